package net.dtm.server.internal;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.EnrolmentKey;
import net.dtm.protocol.EnrolRequest;
import net.dtm.protocol.EnrolmentToken;
import net.dtm.server.internal.EnrolOutcome.Result;

/**
 * Decides one ENROL and makes its change in the stores; sockets, encoding, limits and copies are
 * the {@link EnrolPath}'s. The rules:
 * <ul>
 * <li>with a key id: the key must exist ({@code unknown-key}), its verifier equal SHA-256 of the
 * request's enrolment public key ({@code bad-verifier}, compared in constant time), the signature
 * verify ({@code bad-signature}, checked only then), the key be neither revoked nor expired and
 * the device id match its pattern ({@code revoked}, {@code expired}, {@code pattern});</li>
 * <li>a new device: one use of the key counted by compare-and-set, together with this node's
 * other requests for that key ({@link KeyUses}; {@code used-up} if none is left), then the device added with a fresh key and the router's public key; if another request
 * added it first, the use is given back and the device is treated as existing;</li>
 * <li>an existing device: disabled is refused ({@code disabled}); this router's own is handed its
 * current key again, with no write and no use (retries and replays give that router, and only it,
 * the same credential); another router's or an operator's is taken over only while the operator
 * allows re-enrolment and the key has a use left (a use counted, the record replaced by
 * compare-and-set), else refused ({@code taken}, {@code used-up});</li>
 * <li>a key fetch (no key id): this router's own enabled device while re-enrolment is allowed gets
 * its current key, nothing written; anything else is refused ({@code no-allowance}, {@code taken},
 * {@code disabled});</li>
 * <li>store unavailable, node degraded or draining: {@link Result#TRY_LATER}.</li>
 * </ul>
 * A refusal writes nothing. Safe for many threads; every change is a compare-and-set, so nodes
 * sharing one store never enrol one id twice or count more uses than a key has.
 */
final class EnrolDecision {

    private static final Logger LOG = LoggerFactory.getLogger(EnrolDecision.class);
    /** Looks at a device changing under this request before an ENROL is deferred ({@code TRY_LATER}). */
    static final int ATTEMPTS = 16;
    /**
     * Batches ({@link KeyUses#ATTEMPTS} compare-and-sets each) that may try to give a use back: each
     * one lost means another request changed the key meanwhile (progress), so this bound is only met
     * if the store keeps failing.
     */
    static final int GIVE_BACK_ROUNDS = 64;

    private final EnrolmentKeyCache keys;
    private final KeyUses uses;
    private final EnrolledDevices devices;
    private final Clock clock;
    private final BooleanSupplier serving;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param serving whether this node takes new work now (not degraded, not draining)
     */
    EnrolDecision(EnrolmentKeyCache keys, EnrolledDevices devices, Clock clock, BooleanSupplier serving) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.uses = new KeyUses(keys, (key, device) -> standing(key, device, now()));
        this.devices = Objects.requireNonNull(devices, "devices");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.serving = Objects.requireNonNull(serving, "serving");
    }

    /**
     * Decides {@code request} and makes its change.
     *
     * @param signatureVerifies whether the request's signature verifies with its enrolment public
     *                          key; asked at most once, and only once the key and verifier match
     * @throws RuntimeException if the store fails (the caller defers the request)
     */
    EnrolOutcome decide(EnrolRequest request, BooleanSupplier signatureVerifies) {
        if (!serving.getAsBoolean()) {
            return EnrolOutcome.tryLater("not-serving");
        }
        if (request.keyFetch()) {
            return fetch(request);
        }
        Optional<EnrolmentKey> found = keys.find(request.keyId());
        if (found.isEmpty()) {
            return EnrolOutcome.refused("unknown-key", null);
        }
        EnrolmentKey key = found.get();
        if (!MessageDigest.isEqual(key.verifier(), EnrolmentToken.verifierOf(request.enrolPublicKey()))) {
            return EnrolOutcome.refused("bad-verifier", key);
        }
        if (!signatureVerifies.getAsBoolean()) {
            return EnrolOutcome.refused("bad-signature", key);
        }
        String standing = standing(key, request.device(), now());
        return standing != null ? EnrolOutcome.refused(standing, key) : forDevice(request, key);
    }

    /** Why a key does not speak for {@code device} now (used up or not), or null if it does. */
    private static String standing(EnrolmentKey key, DeviceId device, Instant now) {
        if (key.revoked()) {
            return "revoked";
        }
        if (!now.isBefore(key.expiresAt())) {
            return "expired";
        }
        return key.matches(device) ? null : "pattern";
    }

    private EnrolOutcome forDevice(EnrolRequest request, EnrolmentKey key) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<DeviceCredential> existing = devices.stored(request.device());
            EnrolOutcome outcome = existing.isEmpty() ? enrolNew(request, key) : existing(request, key, existing.get());
            if (outcome != null) {
                return outcome;
            }
            // the device changed meanwhile (added or taken over by another request): look again
        }
        return EnrolOutcome.tryLater("contention");
    }

    /** @return null if another request added the device first */
    private EnrolOutcome enrolNew(EnrolRequest request, EnrolmentKey key) {
        KeyUses.Use use = uses.take(key, request.device());
        if (use.refusal() != null) {
            // used up, perhaps by this very router over another node: its device may be there now
            boolean addedMeanwhile = "used-up".equals(use.refusal().reason())
                    && devices.stored(request.device()).isPresent();
            return addedMeanwhile ? null : use.refusal();
        }
        DeviceCredential credential = DeviceCredential.enrolledBy(request.device(), freshKey(), now(), request.routerKey());
        return written(use.key(), () -> devices.addEnrolled(credential))
                ? new EnrolOutcome(Result.GRANTED, "", credential, null, use.key()) : null;
    }

    /** @return null if the device changed while it was being taken over */
    private EnrolOutcome existing(EnrolRequest request, EnrolmentKey key, DeviceCredential device) {
        if (device.disabled()) {
            return EnrolOutcome.refused("disabled", key);
        }
        if (device.enrolledByRouter(request.routerKey())) {
            return new EnrolOutcome(Result.AGAIN, "", device, null, key);
        }
        if (!device.reenrolAllowedAt(now())) {
            return EnrolOutcome.refused("taken", key);
        }
        KeyUses.Use use = uses.take(key, request.device());
        if (use.refusal() != null) {
            return use.refusal();
        }
        DeviceCredential replaced = device.reenrolledBy(request.routerKey(), freshKey());
        return written(use.key(), () -> devices.replaceEnrolled(device, replaced))
                ? new EnrolOutcome(Result.REPLACED, "", replaced, device, use.key()) : null;
    }

    /** Makes a device write a use was counted for; gives the use back if the write did not happen. */
    private boolean written(EnrolmentKey used, BooleanSupplier write) {
        boolean done;
        try {
            done = write.getAsBoolean();
        } catch (RuntimeException e) {
            giveBack(used);
            throw e;
        }
        if (!done) {
            giveBack(used);
        }
        return done;
    }

    private EnrolOutcome fetch(EnrolRequest request) {
        Optional<DeviceCredential> found = devices.stored(request.device());
        if (found.isEmpty()) {
            return EnrolOutcome.refused("no-allowance", null);
        }
        DeviceCredential device = found.get();
        if (device.disabled()) {
            return EnrolOutcome.refused("disabled", null);
        }
        if (!device.enrolledByRouter(request.routerKey())) {
            return EnrolOutcome.refused("taken", null);
        }
        if (!device.reenrolAllowedAt(now())) {
            return EnrolOutcome.refused("no-allowance", null);
        }
        return new EnrolOutcome(Result.FETCHED, "", device, null, null);
    }

    /** Takes back a use counted for a device another request stored first (or a failed write). */
    private void giveBack(EnrolmentKey used) {
        try {
            for (int round = 0; round < GIVE_BACK_ROUNDS; round++) {
                if (uses.giveBack(used)) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("giving back a use of enrolment key {} failed: {}", used.id(), e.toString());
        }
        LOG.warn("a use of enrolment key {} counted for a device enrolled by another request could not be given back;"
                + " the key shows one use more than it enrolled", used.id());
    }

    private byte[] freshKey() {
        return DeviceManager.freshKey(random);
    }

    private Instant now() {
        return DeviceManager.now(clock);
    }
}
