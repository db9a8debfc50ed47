package net.dtm.shell;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.ApiKey;
import net.dtm.api.ApiKeyService;
import net.dtm.api.Durations;

/** {@code apikey:create}: a new key of the HTTP API, printed once. */
@Service
@Command(scope = "apikey", name = "create", description = "Makes an API key for the HTTP API (REST, dashboard) and "
        + "prints it once: only its SHA-256 is kept. viewer keys read, admin keys also change")
public class ApiKeyCreateCommand extends ApiKeyCommand {

    @Option(name = "-r", aliases = "--role", required = true, description = "viewer or admin")
    String role;

    @Option(name = "-l", aliases = "--label", description = "What the key is for, e.g. \"inventory sync\"")
    String label = "";

    @Option(name = "-e", aliases = "--expires", description = "Lifetime: 90d, 12h, PT36H... (default: never expires)")
    String expires;

    @Override
    String refusal() {
        return "API key not created";
    }

    @Override
    void run(ApiKeyService service) {
        ApiKey.Role r = switch (role.trim().toLowerCase(Locale.ROOT)) {
            case "viewer" -> ApiKey.Role.VIEWER;
            case "admin" -> ApiKey.Role.ADMIN;
            default -> throw new IllegalArgumentException("role must be viewer or admin, got '" + role + "'");
        };
        Optional<Duration> lifetime = Optional.ofNullable(expires).map(Durations::parse);
        if (lifetime.isPresent() && lifetime.get().isZero()) {
            throw new IllegalArgumentException("--expires must be longer than 0 (leave it out for a key that never expires)");
        }
        ApiKeyService.Created c = service.create(r, label, lifetime.map(d -> clock.instant().plus(d)));
        out().println("API key " + c.key().id() + " (" + r.name().toLowerCase(Locale.ROOT) + ") created"
                + c.key().expiresAt().map(t -> ", expires " + time(t)).orElse(", never expires")
                + ". It is shown once; send it as 'Authorization: Bearer <key>':");
        out().println(c.secret());
    }
}
