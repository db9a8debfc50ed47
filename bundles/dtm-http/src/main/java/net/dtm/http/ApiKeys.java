package net.dtm.http;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.ApiKey;
import net.dtm.api.ApiKeyService;

/**
 * API keys kept in an {@link ApiKeyFile}: cached in memory, read again when the file changes on
 * disk (another process, a hand edit). Every change re-reads the file under its lock, then writes it
 * whole. A malformed file is reported (once per version) and never overwritten: keys read before
 * keep working, changes are refused with the reason, until it is fixed.
 */
final class ApiKeys implements ApiKeyService {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
    private static final int MAX_LABEL = 200;

    private final ApiKeyFile file;
    private final Clock clock;
    private final SecureRandom random;
    private volatile ApiKeyFile.Contents cached = new ApiKeyFile.Contents(List.of(), null);
    private volatile ApiKeyFile.Stamp reportedBad;

    ApiKeys(Path file, Clock clock, SecureRandom random) {
        this.file = new ApiKeyFile(file);
        this.clock = clock;
        this.random = random;
        current();
    }

    Path path() {
        return file.path();
    }

    @Override
    public Created create(ApiKey.Role role, String label, Optional<Instant> expiresAt) {
        Objects.requireNonNull(role, "role");
        Optional<Instant> expires = expiresAt == null ? Optional.empty() : expiresAt;
        String clean = ApiKeyFile.cleanLabel(label);
        if (clean.length() > MAX_LABEL) {
            throw new IllegalArgumentException("label longer than " + MAX_LABEL + " characters");
        }
        Instant now = clock.instant();
        if (expires.isPresent() && !expires.get().isAfter(now)) {
            throw new IllegalArgumentException("expiry " + expires.get() + " is not in the future");
        }
        String[] text = new String[1];
        ApiKey[] made = new ApiKey[1];
        change(records -> {
            String id;
            do {
                id = KeyText.newId(random);
            } while (find(records, id).isPresent());
            text[0] = KeyText.newKey(id, random);
            made[0] = new ApiKey(id, role, clean, now, expires, false);
            List<KeyRecord> out = new ArrayList<>(records);
            out.add(new KeyRecord(made[0], KeyText.sha256Hex(text[0])));
            return out;
        });
        return new Created(made[0], text[0]);
    }

    @Override
    public List<ApiKey> keys() {
        return current().records().stream().map(KeyRecord::key)
                .sorted(Comparator.comparing(ApiKey::createdAt)).toList();
    }

    @Override
    public boolean revoke(String id) {
        return change(records -> find(records, id).isEmpty() ? null
                : records.stream().map(r -> r.key().id().equals(id) ? r.revoked() : r).toList()) != null;
    }

    @Override
    public boolean delete(String id) {
        return change(records -> find(records, id).isEmpty() ? null
                : records.stream().filter(r -> !r.key().id().equals(id)).toList()) != null;
    }

    @Override
    public Optional<ApiKey> authenticate(String presented) {
        Optional<String> id = KeyText.idOf(presented);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        String digest = KeyText.sha256Hex(presented);
        Instant now = clock.instant();
        return find(current().records(), id.get())
                .filter(r -> KeyText.sameDigest(digest, r.sha256Hex()))
                .map(KeyRecord::key)
                .filter(k -> k.activeAt(now));
    }

    private static Optional<KeyRecord> find(List<KeyRecord> records, String id) {
        return records.stream().filter(r -> r.key().id().equals(id)).findFirst();
    }

    /**
     * Applies {@code edit} to the file's records as they are on disk now, under its lock; a null
     * result means nothing to change. Returns the records written, or null.
     */
    private List<KeyRecord> change(UnaryOperator<List<KeyRecord>> edit) {
        return file.locked(() -> {
            ApiKeyFile.Contents now = file.read();
            List<KeyRecord> next = edit.apply(now.records());
            if (next == null) {
                cached = now;
                return null;
            }
            ApiKeyFile.Stamp stamp = file.write(next);
            cached = new ApiKeyFile.Contents(List.copyOf(next), stamp);
            return next;
        });
    }

    /** The cached contents, read again first if the file changed on disk. */
    private ApiKeyFile.Contents current() {
        ApiKeyFile.Contents c = cached;
        ApiKeyFile.Stamp stamp;
        try {
            stamp = file.stamp();
            if (stamp.equals(c.stamp())) {
                return c;
            }
            ApiKeyFile.Contents read = file.read();
            cached = read;
            reportedBad = null;
            return read;
        } catch (ApiKeyFile.Malformed e) {
            ApiKeyFile.Stamp bad = safeStamp();
            if (!bad.equals(reportedBad)) {
                reportedBad = bad;
                LOG.error("{}; still using the {} key(s) read before", e.getMessage(), c.records().size());
            }
            return c;
        }
    }

    private ApiKeyFile.Stamp safeStamp() {
        try {
            return file.stamp();
        } catch (ApiKeyFile.Malformed e) {
            return ApiKeyFile.Stamp.ABSENT;
        }
    }
}
