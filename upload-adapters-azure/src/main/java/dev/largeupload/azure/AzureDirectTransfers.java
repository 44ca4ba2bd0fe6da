package dev.largeupload.azure;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.models.UserDelegationKey;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.sas.SasProtocol;
import dev.largeupload.domain.model.BlobName;
import dev.largeupload.domain.model.BlockId;
import dev.largeupload.domain.model.StagingAttempt;
import dev.largeupload.domain.port.DirectTransfers;
import dev.largeupload.domain.port.StagingTarget;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@link DirectTransfers} on Azure block blobs: a target is one Put Block URL of the upload's blob with a SAS that
 * grants {@code w} (write) on that one blob ({@code sr=b}) and nothing else, from a minute before now (clock skew)
 * until the expiry asked for, HTTPS only (HTTPS or HTTP for an {@code http://} emulator endpoint such as Azurite).
 * A shared key (an account key, a connection string with one) signs a <b>service SAS</b>; an Entra credential
 * (managed identity and the like) signs a <b>user-delegation SAS</b> with a delegation key this class fetches and
 * reuses for {@link #DELEGATION_KEY_LIFE}. A SAS token cannot sign, so a store configured with one has no direct
 * transfers ({@link AzureBlobStoreFactory#directTransfers}).
 *
 * <p>The staged blocks are Azure's Get Block List of the uncommitted blocks: ids and sizes as Azure holds them,
 * only ids of the form {@link BlockId#of(int)} counted. No URL with a SAS is ever logged or put in an exception.
 */
public final class AzureDirectTransfers implements DirectTransfers {

    /** How far back a grant starts, for a client whose clock is behind Azure's. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
    /** How long a fetched user-delegation key is used (Azure allows up to 7 days). */
    static final Duration DELEGATION_KEY_LIFE = Duration.ofHours(6);

    /** How the SAS is signed. */
    public enum Signing {
        /** With the account's shared key: a service SAS. */
        SHARED_KEY,
        /** With a user-delegation key obtained through an Entra credential: a user-delegation SAS. */
        USER_DELEGATION
    }

    private final BlobContainerClient container;
    private final String prefix;
    private final Signing signing;
    private final Clock clock;
    private final SasProtocol protocol;
    private final String version;
    private UserDelegationKey delegationKey;

    /**
     * @param container a client of the container whose credential can sign as {@code signing} says
     * @param prefix    the blob-name prefix of the store ({@link AzureBlobStore#name})
     */
    public AzureDirectTransfers(BlobContainerClient container, String prefix, Signing signing, Clock clock) {
        this.container = Objects.requireNonNull(container, "container");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.signing = Objects.requireNonNull(signing, "signing");
        this.clock = Objects.requireNonNull(clock, "clock");
        boolean http = container.getBlobContainerUrl().toLowerCase(Locale.ROOT).startsWith("http://");
        this.protocol = http ? SasProtocol.HTTPS_HTTP : SasProtocol.HTTPS_ONLY;
        this.version = container.getServiceVersion().getVersion();
    }

    @Override
    public StagingTarget target(BlobName blob, BlockId block, Instant expiresAt) {
        BlobClient client = container.getBlobClient(prefix + blob.value());
        OffsetDateTime expiry = expiresAt.atOffset(ZoneOffset.UTC);
        BlobServiceSasSignatureValues values = new BlobServiceSasSignatureValues(expiry,
                new BlobSasPermission().setWritePermission(true))
                .setStartTime(clock.instant().minus(CLOCK_SKEW).atOffset(ZoneOffset.UTC))
                .setProtocol(protocol);
        String sas;
        try {
            sas = signing == Signing.SHARED_KEY ? client.generateSas(values)
                    : client.generateUserDelegationSas(values, delegationKey(expiresAt));
        } catch (RuntimeException e) {
            // The SDK's message names no secret, but the cause may carry a request URL: keep only the kind.
            throw AzureErrors.translate(new IllegalStateException(e.getClass().getSimpleName()), "sign a staging target");
        }
        String url = client.getBlobUrl() + "?comp=block&blockid=" + URLEncoder.encode(block.value(), StandardCharsets.UTF_8)
                + "&" + sas;
        return new StagingTarget("PUT", url, Map.of("x-ms-version", version), expiresAt);
    }

    /** A delegation key valid past {@code until}, fetched again when the one held would expire before. */
    private synchronized UserDelegationKey delegationKey(Instant until) {
        Instant now = clock.instant();
        if (delegationKey == null || delegationKey.getSignedExpiry().toInstant().isBefore(until)) {
            Instant expiry = now.plus(DELEGATION_KEY_LIFE);
            if (expiry.isBefore(until)) {
                expiry = until;
            }
            Instant end = expiry;
            delegationKey = call("get a user delegation key", () -> container.getServiceClient().getUserDelegationKey(
                    now.minus(CLOCK_SKEW).atOffset(ZoneOffset.UTC), end.atOffset(ZoneOffset.UTC)));
        }
        return delegationKey;
    }

    @Override
    public Map<Integer, Long> stagedBlocks(BlobName blob) {
        List<Block> uncommitted;
        try {
            uncommitted = container.getBlobClient(prefix + blob.value()).getBlockBlobClient()
                    .listBlocksWithResponse(BlockListType.UNCOMMITTED, null, null, Context.NONE).getValue()
                    .getUncommittedBlocks();
        } catch (RuntimeException e) {
            if (AzureErrors.isNotFound(e)) {
                return Map.of();
            }
            throw AzureErrors.translate(e, "list the staged blocks of " + blob);
        }
        Map<Integer, Long> staged = new HashMap<>();
        for (Block block : uncommitted) {
            BlockId.parse(block.getName()).filter(parsed -> parsed.attempt().equals(StagingAttempt.LEGACY))
                    .ifPresent(parsed -> staged.put(parsed.index(), block.getSizeLong()));
        }
        return staged;
    }

    private static <T> T call(String action, java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw AzureErrors.translate(e, action);
        }
    }
}
