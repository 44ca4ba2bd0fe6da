package dev.largeupload.metadata.jdbc;
import dev.largeupload.domain.model.*;
import dev.largeupload.domain.port.*;
import java.time.Instant;
import java.util.*;
import javax.sql.DataSource;
public class JdbcMetadataStore implements MetadataStore {
  private final Map<UploadId, UploadSession> m = new java.util.concurrent.ConcurrentHashMap<>();
  public JdbcMetadataStore(DataSource ds) { try (var c = ds.getConnection()) {} catch (Exception e) { throw new RuntimeException(e);} }
  public void create(UploadSession s) { m.put(s.id(), s); }
  public Optional<UploadSession> find(UploadId id) { return Optional.ofNullable(m.get(id)); }
  public int recordChunk(UploadId id, ChunkReceipt r) { return 0; }
  public BitSet receivedChunks(UploadId id) { return new BitSet(); }
  public boolean compareAndSetState(UploadId id, UploadState e, UploadState n, Instant at) { return false; }
  public void delete(UploadId id) {}
  public List<UploadId> listExpired(Instant now, int limit) { return List.of(); }
}
