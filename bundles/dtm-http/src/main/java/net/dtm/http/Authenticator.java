package net.dtm.http;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import net.dtm.api.ApiKey;
import net.dtm.api.ApiKeyService;
import net.dtm.api.http.HttpProblem;

/**
 * Who may call: on a public route anyone; otherwise an active API key presented as
 * {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}, with the viewer role for
 * {@code GET}/{@code HEAD} and the admin role for every other method. Refusals are
 * {@link HttpProblem}s: 401 (no key, or not an active key) and 403 (role too weak).
 */
final class Authenticator {

    private final ApiKeyService keys;

    Authenticator(ApiKeyService keys) {
        this.keys = keys;
    }

    /**
     * The caller's key (empty on a public route), before its role is checked ({@link #permit}).
     *
     * @param header a request header by name (any case)
     */
    Optional<ApiKey> identify(boolean publicAccess, Function<String, Optional<String>> header) {
        if (publicAccess) {
            return Optional.empty();
        }
        String presented = presented(header);
        return Optional.of(keys.authenticate(presented).orElseThrow(() -> new HttpProblem(401, "Unauthorized",
                "the API key is unknown, expired or revoked")));
    }

    /** Refuses (403) a caller whose role may not use {@code method}; a public route's (empty) caller passes. */
    static void permit(Optional<ApiKey> caller, String method) {
        if (caller.isPresent() && !readOnly(method) && caller.get().role() != ApiKey.Role.ADMIN) {
            throw new HttpProblem(403, "Forbidden",
                    "a viewer key may only read (GET, HEAD): " + method + " needs an admin key");
        }
    }

    static boolean readOnly(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    private static String presented(Function<String, Optional<String>> header) {
        Optional<String> authorization = header.apply("Authorization");
        if (authorization.isPresent()) {
            String a = authorization.get().strip();
            if (a.length() > 7 && a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
                return a.substring(7).strip();
            }
            throw new HttpProblem(401, "Unauthorized", "use Authorization: Bearer <API key>");
        }
        return header.apply("X-API-Key").map(String::strip).orElseThrow(() -> new HttpProblem(401, "Unauthorized",
                "an API key is required (Authorization: Bearer <key> or X-API-Key; apikey:create makes one)"));
    }
}
