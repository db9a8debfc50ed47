package net.dtm.server.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.AddressPoolService;
import net.dtm.api.EnrolmentKey;
import net.dtm.api.EnrolmentService;
import net.dtm.protocol.EnrolmentToken;
import net.dtm.spi.store.EnrolmentKeyStore;

/**
 * The operator's enrolment keys over an {@link EnrolmentKeyStore}: a key is made from a fresh
 * {@link EnrolmentToken}, of which only the verifier is stored; its pool must exist. Revocation is
 * a compare-and-set, so a use counted meanwhile on another node is kept. Every change goes to the
 * security log ({@value EnrolAudit#LOGGER}) with the key id and label, never the token.
 */
public final class EnrolmentManager implements EnrolmentService {

    private static final Logger AUDIT = LoggerFactory.getLogger(EnrolAudit.LOGGER);
    private static final int ATTEMPTS = 8;

    private final EnrolmentKeyStore store;
    private final AddressPoolService pools;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param pools where a key's pool must exist
     */
    public EnrolmentManager(EnrolmentKeyStore store, AddressPoolService pools, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.pools = Objects.requireNonNull(pools, "pools");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Created create(String label, String devicePattern, String pool, int maxUses, Duration validity) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(pool, "pool");
        EnrolmentKey.checkPattern(devicePattern);
        if (maxUses < 0) {
            throw new IllegalArgumentException("max uses must be 0 (unlimited) or more: " + maxUses);
        }
        if (validity == null || validity.isNegative() || validity.isZero() || validity.compareTo(MAX_VALIDITY) > 0) {
            throw new IllegalArgumentException("validity must be positive and at most " + MAX_VALIDITY.toDays()
                    + " days: " + validity);
        }
        String poolName = pool.trim();
        if (!poolName.isEmpty() && pools.pool(poolName).isEmpty()) {
            throw new IllegalArgumentException("no pool named " + poolName);
        }
        Instant now = Instant.now(clock).truncatedTo(ChronoUnit.MILLIS);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            EnrolmentToken token = EnrolmentToken.generate(random);
            EnrolmentKey key = new EnrolmentKey(token.id(), token.verifier(), token.replyKey(), label.trim(), devicePattern, poolName,
                    maxUses, 0, now, now.plus(validity), false);
            if (store.add(key)) {
                AUDIT.info("enrolment key created: {}", key);
                return new Created(key, token.token());
            }
            // a random id already taken: draw another
        }
        throw new IllegalStateException("no free enrolment key id after " + ATTEMPTS + " attempts; nothing stored");
    }

    @Override
    public List<EnrolmentKey> keys() {
        return store.list();
    }

    @Override
    public Optional<EnrolmentKey> key(String id) {
        return EnrolmentKey.isValidId(id) ? store.find(id) : Optional.empty();
    }

    @Override
    public boolean revoke(String id) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            EnrolmentKey current = key(id).orElseThrow(() -> new IllegalArgumentException("no enrolment key " + id));
            if (current.revoked()) {
                return false;
            }
            if (store.replace(current, current.asRevoked())) {
                AUDIT.info("enrolment key revoked: {}", current.asRevoked());
                return true;
            }
        }
        throw new IllegalStateException("enrolment key " + id + " kept changing concurrently; not revoked, try again");
    }

    @Override
    public boolean delete(String id) {
        if (!EnrolmentKey.isValidId(id)) {
            return false;
        }
        boolean deleted = store.remove(id);
        if (deleted) {
            AUDIT.info("enrolment key deleted: id={}", id);
        }
        return deleted;
    }
}
