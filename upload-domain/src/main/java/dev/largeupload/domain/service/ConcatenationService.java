package dev.largeupload.domain.service;

import dev.largeupload.domain.error.UploadException.Expired;
import dev.largeupload.domain.error.UploadException.NotActive;
import dev.largeupload.domain.error.UploadException.NotConcatenable;
import dev.largeupload.domain.error.UploadException.NotFound;
import dev.largeupload.domain.model.Concatenation;
import dev.largeupload.domain.model.Sha256;
import dev.largeupload.domain.model.UploadId;
import dev.largeupload.domain.model.UploadSession;
import dev.largeupload.domain.model.UploadState;
import dev.largeupload.domain.port.AppendState;
import dev.largeupload.domain.port.MetadataStore;
import dev.largeupload.domain.service.Results.Initiated;
import dev.largeupload.domain.usecase.ConcatenateUploadsUseCase;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Concatenations of uploads without copying a byte: a concatenation is an upload whose append state names its
 * parts ({@link Concatenation}); it is complete the moment it exists, and reading it reads the parts' committed
 * files one after the other ({@link Download}). So neither store moves a byte to make one, whatever its size.
 *
 * <p>The rules that keep a concatenation readable, on every server sharing the metadata store:
 * <ul>
 *   <li><b>A part belongs to one concatenation.</b> The concatenation claims each part by compare-and-set of the
 *       part's append state; a part claimed by another live concatenation is refused, and a concatenation that
 *       lost a claim gives back those it took and removes itself. A claimed part cannot be deleted (its
 *       concatenation is deleted, and takes its parts with it) nor downloaded on its own.</li>
 *   <li><b>Idempotent.</b> The concatenation's id derives from its parts' ids and its token from their tokens
 *       (SHA-256), so the same request again (a client whose answer was lost, or two servers at once) finds the
 *       same upload, finishes what a crash left, and answers it; only a holder of every part's token can derive
 *       the token.</li>
 *   <li><b>Nothing created for a refused part</b>: every part is checked (exists, token, a part, complete) before
 *       the concatenation is created.</li>
 * </ul>
 */
public final class ConcatenationService implements ConcatenateUploadsUseCase {

    private final MetadataStore metadata;
    private final UploadService uploads;
    private final UploadPolicy policy;
    private final Clock clock;

    public ConcatenationService(MetadataStore metadata, UploadService uploads, Clock clock) {
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.uploads = Objects.requireNonNull(uploads, "uploads");
        this.policy = uploads.policy();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Initiated startPart(InitiateRequest request, String labels) {
        AppendState first = AppendState.first(labels).as(Concatenation.UNCLAIMED_PART);
        Initiated initiated = uploads.initiate(request);
        metadata.replaceAppendState(initiated.session().id(), 0, first);
        return initiated;
    }

    @Override
    public Concatenated concatenate(ConcatenateCommand command) {
        List<PartRef> refs = command.parts();
        if (refs.isEmpty() || refs.size() > Concatenation.MAX_PARTS) {
            throw new NotConcatenable("A concatenation names 1 to " + Concatenation.MAX_PARTS + " partial uploads; got "
                    + refs.size() + ".");
        }
        List<UploadId> ids = refs.stream().map(PartRef::id).toList();
        if (new HashSet<>(ids).size() != ids.size()) {
            throw new NotConcatenable("A concatenation names each partial upload once.");
        }
        UploadId id = derivedId(ids);
        long size = 0;
        for (PartRef ref : refs) {
            size += checkedPart(ref, id);
        }
        String token = derivedToken(id, refs);
        Optional<UploadSession> existing = metadata.find(id);
        if (existing.isPresent() && existing.get().state() == UploadState.COMPLETED) {
            return new Concatenated(existing.get(), token, false);
        }
        if (existing.isPresent() && existing.get().state() != UploadState.ACTIVE
                && existing.get().state() != UploadState.COMPLETING) {
            throw new NotActive("The concatenation of these partial uploads, " + id + ", is "
                    + existing.get().state().name().toLowerCase(java.util.Locale.ROOT) + "; create new partial uploads.");
        }
        if (existing.isEmpty()) {
            create(command, id, token, size);
        }
        if (metadata.appendState(id).isEmpty()) {
            // Written once, by whichever server gets there first (also after a crash right after the creation).
            metadata.replaceAppendState(id, 0, AppendState.first(command.labels()).as(Concatenation.of(ids)));
        }
        claim(id, ids);
        Instant now = clock.instant();
        metadata.compareAndSetState(id, UploadState.ACTIVE, UploadState.COMPLETING, now);
        Optional<UploadSession> completing = metadata.find(id);
        if (completing.isPresent() && completing.get().state() == UploadState.COMPLETING) {
            uploads.changeState(completing.get(), UploadState.COMPLETING, UploadState.COMPLETED, now, Optional.empty(),
                    Optional.empty());
        }
        UploadSession done = metadata.find(id).orElseThrow(() -> new NotFound(id.value()));
        if (done.state() != UploadState.COMPLETED) {
            throw new NotActive("The concatenation " + id + " changed while being made; ask for it again.");
        }
        return new Concatenated(done, token, existing.isEmpty());
    }

    /** The size of a part that {@code concatenation} may take. */
    private long checkedPart(PartRef ref, UploadId concatenation) {
        UploadSession part = metadata.find(ref.id()).orElseThrow(() -> new NotFound(ref.id().value()));
        if (policy.requireToken() && !part.isOwnedBy(ref.token())) {
            throw new NotFound(ref.id().value());
        }
        if (part.isExpiredAt(clock.instant())) {
            throw new Expired(ref.id().value());
        }
        Concatenation role = metadata.appendState(ref.id()).map(AppendState::concatenation).orElse(Concatenation.NONE);
        if (!role.isPart()) {
            throw new NotConcatenable("Upload " + ref.id() + " is not a partial upload; only those are concatenated.");
        }
        if (part.state() != UploadState.COMPLETED) {
            throw new NotConcatenable("The partial upload " + ref.id() + " is not complete; concatenate it once all of its"
                    + " bytes arrived.");
        }
        if (role.claimedBy().filter(c -> !c.equals(concatenation) && isLive(c)).isPresent()) {
            throw new NotActive("The partial upload " + ref.id() + " is a part of another concatenation already.");
        }
        return part.plan().fileSize();
    }

    private void create(ConcatenateCommand command, UploadId id, String token, long size) {
        InitiateRequest request = new InitiateRequest(command.fileName(), size, OptionalLong.empty(), command.contentType(),
                Optional.empty());
        try {
            uploads.initiate(request, id, token);
        } catch (IllegalStateException createdMeanwhile) {
            // Another server makes the same concatenation at this moment: both finish it, idempotently.
        }
    }

    /** Claims every part for {@code id}; on losing one, gives the others back, removes the concatenation, refuses. */
    private void claim(UploadId id, List<UploadId> parts) {
        List<UploadId> claimed = new ArrayList<>();
        for (UploadId part : parts) {
            while (true) {
                AppendState state = metadata.appendState(part).orElseThrow(() -> new NotFound(part.value()));
                Optional<UploadId> owner = state.concatenation().claimedBy();
                if (owner.filter(id::equals).isPresent()) {
                    break;
                }
                if (owner.filter(this::isLive).isPresent()) {
                    release(id, claimed);
                    metadata.delete(id);
                    throw new NotActive("The partial upload " + part + " became a part of another concatenation meanwhile.");
                }
                Concatenation unclaimed = Concatenation.UNCLAIMED_PART;
                if (metadata.replaceAppendState(part, state.revision(), state.withConcatenation(unclaimed.claimedBy(id)))) {
                    claimed.add(part);
                    break;
                }
            }
        }
    }

    private void release(UploadId id, List<UploadId> claimed) {
        for (UploadId part : claimed) {
            AppendState state = metadata.appendState(part).orElseThrow(() -> new NotFound(part.value()));
            if (state.concatenation().claimedBy().filter(id::equals).isPresent()) {
                metadata.replaceAppendState(part, state.revision(), state.withConcatenation(Concatenation.UNCLAIMED_PART));
            }
        }
    }

    /** Whether concatenation {@code id} exists and has not ended without a file. */
    private boolean isLive(UploadId id) {
        return metadata.find(id).filter(s -> s.state() != UploadState.ABORTED && s.state() != UploadState.EXPIRED)
                .isPresent();
    }

    /** A UUID (version 8, RFC 9562) from the SHA-256 of the parts' ids in order. */
    static UploadId derivedId(List<UploadId> parts) {
        MessageDigest sha256 = Sha256.newDigest();
        sha256.update("largeupload concatenation id\n".getBytes(StandardCharsets.US_ASCII));
        parts.forEach(p -> sha256.update((p.value() + "\n").getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer bytes = ByteBuffer.wrap(sha256.digest());
        long high = (bytes.getLong() & ~0xF000L) | 0x8000L;
        long low = (bytes.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UploadId(new UUID(high, low).toString());
    }

    /** The token of concatenation {@code id}: the SHA-256 of the parts' tokens, in the form of an issued token. */
    static String derivedToken(UploadId id, List<PartRef> parts) {
        MessageDigest sha256 = Sha256.newDigest();
        sha256.update(("largeupload concatenation token\n" + id.value() + "\n").getBytes(StandardCharsets.US_ASCII));
        parts.forEach(p -> sha256.update((p.id().value() + "." + (p.token() == null ? "" : p.token()) + "\n")
                .getBytes(StandardCharsets.UTF_8)));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256.digest());
    }
}
