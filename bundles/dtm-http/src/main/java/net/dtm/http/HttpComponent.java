package net.dtm.http;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.ApiKey;
import net.dtm.api.ApiKeyService;
import net.dtm.api.HealthService;
import net.dtm.api.http.HttpEndpoint;

/**
 * Wires the node's HTTP server: registers the file-backed {@link ApiKeyService} ({@link ApiKeys}),
 * routes every {@link HttpEndpoint} service ({@link Router}) plus the health endpoints over every
 * {@link HealthService}, and runs the server ({@link HttpServerHost}). If the port cannot be bound
 * (another node on this host has it) one ERROR says so and the rest keeps running, keys included.
 */
@Component(service = ApiKeyService.class, configurationPid = HttpSettings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = HttpComponent.Config.class)
public final class HttpComponent implements ApiKeyService {

    private static final Logger LOG = LoggerFactory.getLogger(HttpComponent.class);

    /** Configuration of the HTTP server (PID {@code net.dtm.http}). */
    @ObjectClassDefinition(name = "DTM HTTP server",
            description = "The node's HTTP API: REST, metrics, health and the dashboard, behind API keys")
    public @interface Config {
        @AttributeDefinition(name = "Bind address", description = "Address to listen on; 0.0.0.0 serves other hosts (then use TLS)")
        String bind_host() default "127.0.0.1";

        @AttributeDefinition(name = "Port", description = "TCP port; 0 takes any free port (logged)")
        int port() default 8181;

        @AttributeDefinition(name = "TLS", description = "Serve HTTPS with the keystore below")
        boolean tls_enabled() default false;

        @AttributeDefinition(name = "TLS keystore", description = "PKCS12 keystore holding the server's key and certificate")
        String tls_keystore_file() default "";

        @AttributeDefinition(name = "TLS keystore password file", description = "File whose first line is the keystore's password")
        String tls_keystore_password_file() default "";

        @AttributeDefinition(name = "API key file", description = "Hashed API keys (apikey:create); empty means ${karaf.etc}/dtm-api-keys")
        String keys_file() default "";

        @AttributeDefinition(name = "Largest request body", description = "Bytes; larger requests get 413")
        long max_body_bytes() default 10L * 1024 * 1024;

        @AttributeDefinition(name = "Threads", description = "Request threads")
        int threads() default 8;
    }

    private final Router router = new Router();
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<HealthService> health;
    private ApiKeys keys;
    private volatile HttpServerHost host;

    @Activate
    void activate(Config config) {
        HttpSettings settings;
        try {
            settings = HttpSettings.of(config.bind_host(), config.port(), config.tls_enabled(),
                    config.tls_keystore_file(), config.tls_keystore_password_file(), config.keys_file(),
                    config.max_body_bytes(), config.threads(), System.getProperty("karaf.etc"));
        } catch (IllegalArgumentException e) {
            LOG.error("HTTP server not started, configuration {} is invalid: {}", HttpSettings.PID, e.getMessage());
            throw e;
        }
        keys = new ApiKeys(settings.keysFile(), Clock.systemUTC(), new SecureRandom());
        router.add(new Router.Route(HealthEndpoint.PREFIX, true,
                new HealthEndpoint(() -> health == null ? List.of() : health), Integer.MIN_VALUE, -1));
        Dispatcher dispatcher = new Dispatcher(router, new Authenticator(keys), settings.maxBodyBytes());
        String where = (settings.tls() ? "https://" : "http://") + settings.bindHost() + ":" + settings.port();
        try {
            host = HttpServerHost.start(settings, dispatcher);
            LOG.info("HTTP server at {}://{}:{} (API keys in {})", host.tls() ? "https" : "http",
                    settings.bindHost(), host.port(), keys.path());
        } catch (IOException e) {
            LOG.error("HTTP server not started: cannot listen at {} (port {} of configuration {}; another process may "
                    + "hold it): {}", where, settings.port(), HttpSettings.PID, e.toString());
        } catch (IllegalArgumentException e) {
            LOG.error("HTTP server not started ({}): {}", HttpSettings.PID, e.getMessage());
        }
    }

    /** The port served, or -1 when the server is not running. */
    int port() {
        HttpServerHost h = host;
        return h == null ? -1 : h.port();
    }

    @Deactivate
    void deactivate() {
        if (host != null) {
            host.close();
            host = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindEndpoint(HttpEndpoint endpoint, Map<String, Object> properties) {
        Object path = properties.get(HttpEndpoint.PATH);
        Object access = properties.getOrDefault(HttpEndpoint.ACCESS, HttpEndpoint.ACCESS_KEY);
        if (!HttpEndpoint.ACCESS_KEY.equals(access) && !HttpEndpoint.ACCESS_PUBLIC.equals(access)) {
            LOG.warn("HttpEndpoint {} has {}={}: served as {} (key or public expected)", endpoint.getClass().getName(),
                    HttpEndpoint.ACCESS, access, HttpEndpoint.ACCESS_KEY);
        }
        try {
            router.add(new Router.Route(String.valueOf(path), HttpEndpoint.ACCESS_PUBLIC.equals(access), endpoint,
                    ranking(properties), serviceId(properties)));
        } catch (IllegalArgumentException e) {
            LOG.error("HttpEndpoint {} not served: {}={}: {}", endpoint.getClass().getName(), HttpEndpoint.PATH, path,
                    e.getMessage());
        }
    }

    void unbindEndpoint(HttpEndpoint endpoint, Map<String, Object> properties) {
        router.remove(serviceId(properties));
    }

    private static long serviceId(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_ID) instanceof Long id ? id : 0L;
    }

    private static int ranking(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_RANKING) instanceof Integer r ? r : 0;
    }

    @Override
    public Created create(ApiKey.Role role, String label, Optional<Instant> expiresAt) {
        return keys.create(role, label, expiresAt);
    }

    @Override
    public List<ApiKey> keys() {
        return keys.keys();
    }

    @Override
    public boolean revoke(String id) {
        return keys.revoke(id);
    }

    @Override
    public boolean delete(String id) {
        return keys.delete(id);
    }

    @Override
    public Optional<ApiKey> authenticate(String presented) {
        return keys.authenticate(presented);
    }
}
