-- How many uploads are active and expire after now (exact; see count_active); prepended by active-uploads.
-- KEYS[1] expiry  <prefix>expiry
-- ARGV[1] now     UTC epoch ms
-- ARGV[2] prefix  the key prefix, to read each upload's state
-- Reply: the count.
return count_active(KEYS[1], ARGV[1], ARGV[2])
