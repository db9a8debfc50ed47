package net.dtm.http;

import java.util.Objects;

import net.dtm.api.ApiKey;

/**
 * One line of the key file: a key as listed and the SHA-256 (hex) of its text.
 */
record KeyRecord(ApiKey key, String sha256Hex) {

    KeyRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sha256Hex, "sha256Hex");
    }

    KeyRecord revoked() {
        ApiKey k = key;
        return new KeyRecord(new ApiKey(k.id(), k.role(), k.label(), k.createdAt(), k.expiresAt(), true), sha256Hex);
    }
}
