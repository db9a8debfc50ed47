package net.dtm.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Enrolment keys: an operator makes one for a batch of routers (a device-id pattern, a pool, a use
 * limit, an expiry); a router holding its token enrols itself with any node of the cluster and is
 * given its own device credential, with no operator step per router. Keys are stored as verifiers,
 * never as secrets; the token is shown once, when the key is made.
 *
 * @since 1.7
 */
@ProviderType
public interface EnrolmentService {

    /** Longest validity an operator may give a key. */
    Duration MAX_VALIDITY = Duration.ofDays(3650);

    /**
     * A key just made and its token, the one time the token exists outside the routers given it.
     *
     * @param key   the key as stored
     * @param token what a router is configured with ({@code dtmek1-<id>-<secret>}); never logged
     */
    record Created(EnrolmentKey key, String token) {
        public Created {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            return "Created[" + key + ", token ***]";
        }
    }

    /**
     * Makes an enrolment key.
     *
     * @param label         the operator's note (may be empty)
     * @param devicePattern device ids it may enrol: a glob, {@code *} for any
     * @param pool          the pool its devices are told to use; empty for the server's default;
     *                      must exist
     * @param maxUses       how many devices it may enrol: 1 for single use, 0 for no limit
     * @param validity      how long it enrols, from now (at most {@link #MAX_VALIDITY})
     * @throws IllegalArgumentException naming the bad argument (nothing is stored)
     */
    Created create(String label, String devicePattern, String pool, int maxUses, Duration validity);

    /** All keys, revoked and expired ones included, by id. */
    List<EnrolmentKey> keys();

    /** One key. */
    Optional<EnrolmentKey> key(String id);

    /**
     * Revokes a key on every node: it enrols nothing more. Devices it enrolled keep their credentials.
     *
     * @return false if it was already revoked
     * @throws IllegalArgumentException if there is no such key
     */
    boolean revoke(String id);

    /**
     * Deletes a key's record (revoked or expired keys, to tidy the list).
     *
     * @return false if there was no such key
     */
    boolean delete(String id);
}
