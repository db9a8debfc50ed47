package net.dtm.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * API keys of the node's HTTP API (REST, dashboard). Keys look like {@code dtmak1-<id>-<secret>};
 * only the SHA-256 of the whole key is stored, so a copy of the key file lets no one in.
 */
@ProviderType
public interface ApiKeyService {

    /** A new key and its text, shown once. */
    record Created(ApiKey key, String secret) {
        @Override
        public String toString() {
            return "Created[" + key + ", secret hidden]";
        }
    }

    /** Makes a key. {@code expiresAt} empty: never expires. */
    Created create(ApiKey.Role role, String label, Optional<Instant> expiresAt);

    /** Every key, revoked and expired ones included, by creation time. */
    List<ApiKey> keys();

    /** Revokes a key; false if there is none with this id. */
    boolean revoke(String id);

    /** Deletes a key for good; false if there is none with this id. */
    boolean delete(String id);

    /** The active key this text is, if any (constant-time comparison of the hash). */
    Optional<ApiKey> authenticate(String presented);
}
