-- An owner's active uploads and their bytes; prepended by owner-uploads.
-- ARGV[1] prefix  the key prefix
-- ARGV[2] owner   the owner
-- ARGV[3] now     uploads count as active when they expire after it, UTC epoch ms
-- Reply: {count, bytes as text}.
local count, bytes = owner_usage(ARGV[1], ARGV[2], ARGV[3])
return {count, string.format('%.0f', bytes)}
