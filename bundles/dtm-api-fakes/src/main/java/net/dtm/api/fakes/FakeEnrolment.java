package net.dtm.api.fakes;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import net.dtm.api.EnrolmentKey;
import net.dtm.api.EnrolmentService;

/**
 * The enrolment service over a map: keys in id order, the validation the real one does (label,
 * pattern, an existing pool, uses, validity), tokens in the {@code dtmek1-<id>-<secret>} form.
 * {@link #changes} counts successful writes so tests can check that a refusal changed nothing.
 */
public final class FakeEnrolment implements EnrolmentService {
    public final Map<String, EnrolmentKey> keys = new TreeMap<>();
    /** Pools that exist; create refuses any other non-empty pool. */
    public final List<String> pools = new ArrayList<>(List.of("demo"));
    public final List<String> tokens = new ArrayList<>();
    public int changes;
    private final SecureRandom random = new SecureRandom();
    private int next;

    @Override
    public Created create(String label, String devicePattern, String pool, int maxUses, Duration validity) {
        if (!pool.isEmpty() && !pools.contains(pool)) {
            throw new IllegalArgumentException("no pool named '" + pool + "'");
        }
        if (validity.isNegative() || validity.isZero() || validity.compareTo(MAX_VALIDITY) > 0) {
            throw new IllegalArgumentException("validity out of range: " + validity);
        }
        byte[] verifier = new byte[EnrolmentKey.VERIFIER_LENGTH];
        random.nextBytes(verifier);
        String id = String.format("k%011d", ++next);
        EnrolmentKey key = new EnrolmentKey(id, verifier, verifier, label, devicePattern, pool, maxUses, 0, FakePools.NOW,
                FakePools.NOW.plus(validity), false);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = "dtmek1-" + id + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        keys.put(id, key);
        tokens.add(token);
        changes++;
        return new Created(key, token);
    }

    @Override
    public List<EnrolmentKey> keys() {
        return List.copyOf(keys.values());
    }

    @Override
    public Optional<EnrolmentKey> key(String id) {
        return Optional.ofNullable(keys.get(id));
    }

    @Override
    public boolean revoke(String id) {
        EnrolmentKey k = keys.get(id);
        if (k == null) {
            throw new IllegalArgumentException("no enrolment key '" + id + "'");
        }
        if (k.revoked()) {
            return false;
        }
        keys.put(id, k.asRevoked());
        changes++;
        return true;
    }

    @Override
    public boolean delete(String id) {
        boolean removed = keys.remove(id) != null;
        changes += removed ? 1 : 0;
        return removed;
    }

    /** Stores a key as given (tests of states). */
    public EnrolmentKey put(String id, String pattern, int maxUses, int uses, Instant expiresAt, boolean revoked) {
        EnrolmentKey k = new EnrolmentKey(id, new byte[EnrolmentKey.VERIFIER_LENGTH], new byte[32], "", pattern, "", maxUses, uses,
                FakePools.NOW.minus(Duration.ofDays(30)), expiresAt, revoked);
        keys.put(id, k);
        return k;
    }
}
