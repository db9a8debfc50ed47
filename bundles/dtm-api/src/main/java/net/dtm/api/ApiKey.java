package net.dtm.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An API key of the HTTP API, as listed: never its secret. The secret is shown once, at creation,
 * and only its SHA-256 is stored.
 *
 * @param id        public id, 12 characters, part of the key itself
 * @param role      what it may do
 * @param label     free text, e.g. "inventory sync"
 * @param createdAt when it was made
 * @param expiresAt when it stops working, if ever
 * @param revoked   revoked by an operator
 */
public record ApiKey(String id, Role role, String label, Instant createdAt, Optional<Instant> expiresAt,
                     boolean revoked) {

    /** What a key may do. */
    public enum Role {
        /** Reads everything, changes nothing. */
        VIEWER,
        /** Reads and changes. */
        ADMIN
    }

    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        label = label == null ? "" : label;
        Objects.requireNonNull(createdAt, "createdAt");
        expiresAt = expiresAt == null ? Optional.empty() : expiresAt;
    }

    /** Usable at {@code now}: not revoked, not expired. */
    public boolean activeAt(Instant now) {
        return !revoked && expiresAt.map(now::isBefore).orElse(true);
    }
}
