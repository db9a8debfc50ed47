package net.dtm.spi.store;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

import net.dtm.api.EnrolmentKey;

/**
 * Persistence of enrolment keys (their verifiers, never their secrets). Changes are durable when a
 * method returns; in a cluster every node sees them. Counting a key's uses is a compare-and-set
 * ({@link #replace}), so two nodes enrolling with one single-use key at once cannot both succeed.
 *
 * @since 2.4
 */
@ConsumerType
public interface EnrolmentKeyStore {

    /** Stores a new key. @return false if a key with its id exists (nothing changed) */
    boolean add(EnrolmentKey key);

    /** One key. */
    Optional<EnrolmentKey> find(String id);

    /** All keys, by id. */
    List<EnrolmentKey> list();

    /**
     * Replaces a key's record (a use counted, a revocation) if the stored one still equals
     * {@code expected}.
     *
     * @return false if the key is gone or its record differs from {@code expected} (nothing changed)
     */
    boolean replace(EnrolmentKey expected, EnrolmentKey updated);

    /** Deletes a key. @return false if it did not exist */
    boolean remove(String id);
}
