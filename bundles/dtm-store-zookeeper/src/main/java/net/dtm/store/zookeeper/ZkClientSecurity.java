package net.dtm.store.zookeeper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.curator.utils.ZookeeperFactory;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;

/**
 * How the ZooKeeper client protects its connection, beside the digest ACL credential of
 * {@link ZkSettings} (which stays in force either way): TLS to the ensemble's secure client port
 * and SASL authentication (DIGEST-MD5 or Kerberos through a JAAS login context). Both are off by
 * default, and then the client is built exactly as before. The settings go into the client's own
 * {@link ZKClientConfig} (through Curator's ZooKeeper factory), never into JVM-wide system
 * properties, so another ZooKeeper client in the same JVM is not affected.
 *
 * @param tls                 connect with TLS (ZooKeeper's Netty client socket)
 * @param keyStore            the client's key store (its certificate for the server's client
 *                            authentication); empty: none
 * @param keyStorePasswordFile file holding the key store's password; empty: none
 * @param keyStoreType        PKCS12, JKS or PEM; empty: from the file name
 * @param trustStore          the trust store holding the ensemble's CA; empty: the JVM's
 * @param trustStorePasswordFile file holding the trust store's password; empty: none
 * @param trustStoreType      as {@code keyStoreType}
 * @param hostnameVerification check the server certificate names the host connected to
 * @param saslLoginContext    the JAAS login context (section) the client authenticates with;
 *                            empty: SASL as ZooKeeper's default (only if a {@code Client}
 *                            section exists)
 * @param saslServerPrincipal the server's Kerberos principal, e.g. {@code zookeeper/zk1.example.net@EXAMPLE.NET};
 *                            empty: ZooKeeper's default ({@code zookeeper/<host>})
 * @param fipsMode            ZooKeeper's {@code zookeeper.fips-mode} for this client: {@code true},
 *                            {@code false}, or empty for ZooKeeper's default (on since 3.9.4: the
 *                            client then refuses DIGEST-MD5, so SASL DIGEST-MD5 needs {@code false})
 */
public record ZkClientSecurity(boolean tls, String keyStore, String keyStorePasswordFile, String keyStoreType,
                               String trustStore, String trustStorePasswordFile, String trustStoreType,
                               boolean hostnameVerification, String saslLoginContext, String saslServerPrincipal,
                               String fipsMode) {

    /** No TLS, no explicit SASL: the client as before. */
    public static final ZkClientSecurity PLAIN = new ZkClientSecurity(false, "", "", "", "", "", "", true, "", "", "");

    /** ZooKeeper's FIPS mode switch (ZooKeeper 3.9.4 and later; the build compiles against 3.9.3). */
    static final String FIPS_MODE = "zookeeper.fips-mode";

    /** Store types ZooKeeper's client reads. */
    private static final Set<String> STORE_TYPES = Set.of("PKCS12", "JKS", "PEM", "BCFKS");

    /** @throws IllegalArgumentException naming the setting that is wrong and why */
    public ZkClientSecurity {
        keyStore = blankIfNull(keyStore);
        keyStorePasswordFile = blankIfNull(keyStorePasswordFile);
        keyStoreType = blankIfNull(keyStoreType).toUpperCase(java.util.Locale.ROOT);
        trustStore = blankIfNull(trustStore);
        trustStorePasswordFile = blankIfNull(trustStorePasswordFile);
        trustStoreType = blankIfNull(trustStoreType).toUpperCase(java.util.Locale.ROOT);
        saslLoginContext = blankIfNull(saslLoginContext);
        saslServerPrincipal = blankIfNull(saslServerPrincipal);
        fipsMode = blankIfNull(fipsMode).toLowerCase(java.util.Locale.ROOT);
        if (!fipsMode.isEmpty() && !fipsMode.equals("true") && !fipsMode.equals("false")) {
            throw new IllegalArgumentException("fips.mode '" + fipsMode + "': expected true or false (or nothing: ZooKeeper's default)");
        }
        if (!tls && !(keyStore + trustStore).isEmpty()) {
            throw new IllegalArgumentException("tls.keystore/tls.truststore are set but tls.enabled is not true:"
                    + " set tls.enabled = true (and connect to the ensemble's secure client port) or remove them");
        }
        requireReadable("tls.keystore", keyStore);
        requireReadable("tls.keystore.password.file", keyStorePasswordFile);
        requireReadable("tls.truststore", trustStore);
        requireReadable("tls.truststore.password.file", trustStorePasswordFile);
        requireType("tls.keystore.type", keyStoreType);
        requireType("tls.truststore.type", trustStoreType);
        if (!saslLoginContext.isEmpty() && !saslLoginContext.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("sasl.login.context '" + saslLoginContext
                    + "': expected the name of a JAAS login context, 1-64 characters of A-Z a-z 0-9 . _ -");
        }
    }

    /**
     * Reads the keys of PID {@code net.dtm.store.zookeeper}: {@code tls.enabled} (default false),
     * {@code tls.keystore}, {@code tls.keystore.password.file}, {@code tls.keystore.type},
     * {@code tls.truststore}, {@code tls.truststore.password.file}, {@code tls.truststore.type},
     * {@code tls.hostname.verification} (default true), {@code sasl.login.context},
     * {@code sasl.server.principal}, {@code fips.mode}.
     *
     * @throws IllegalArgumentException naming the key that is wrong and why
     */
    public static ZkClientSecurity fromConfig(Map<String, ?> config) {
        return new ZkClientSecurity(bool(config, "tls.enabled", false), text(config, "tls.keystore"),
                text(config, "tls.keystore.password.file"), text(config, "tls.keystore.type"),
                text(config, "tls.truststore"), text(config, "tls.truststore.password.file"),
                text(config, "tls.truststore.type"), bool(config, "tls.hostname.verification", true),
                text(config, "sasl.login.context"), text(config, "sasl.server.principal"), text(config, "fips.mode"));
    }

    /** True if nothing is asked beyond the default client. */
    public boolean isPlain() {
        return !tls && saslLoginContext.isEmpty() && saslServerPrincipal.isEmpty() && fipsMode.isEmpty();
    }

    /**
     * The client configuration these settings ask for, or null for {@link #PLAIN} settings (the
     * client then reads ZooKeeper's defaults as before).
     */
    public ZKClientConfig clientConfig() {
        if (isPlain()) {
            return null;
        }
        ZKClientConfig c = new ZKClientConfig();
        properties().forEach(c::setProperty);
        return c;
    }

    /**
     * How Curator makes this client's ZooKeeper handle. With SASL, the handle is made with
     * ZooKeeper's own class loader as the thread's context class loader: its connection thread
     * inherits it, and JAAS loads the login module named in the JAAS file (ZooKeeper's
     * {@code DigestLoginModule}) through it; in OSGi the caller's (often none) cannot see
     * ZooKeeper's classes. Empty without SASL: Curator's default factory.
     */
    public java.util.Optional<ZookeeperFactory> zookeeperFactory() {
        return saslLoginContext.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(new ContextLoaderFactory());
    }

    /** Makes the handle with ZooKeeper's class loader as context class loader (see {@link #zookeeperFactory}). */
    private static final class ContextLoaderFactory implements ZookeeperFactory {
        @Override
        public ZooKeeper newZooKeeper(String connect, int sessionTimeout, Watcher watcher, boolean canBeReadOnly)
                throws Exception {
            return newZooKeeper(connect, sessionTimeout, watcher, canBeReadOnly, null);
        }

        @Override
        public ZooKeeper newZooKeeper(String connect, int sessionTimeout, Watcher watcher, boolean canBeReadOnly,
                                      ZKClientConfig config) throws Exception {
            Thread thread = Thread.currentThread();
            ClassLoader before = thread.getContextClassLoader();
            thread.setContextClassLoader(ZooKeeper.class.getClassLoader());
            try {
                return config == null ? new ZooKeeperAdmin(connect, sessionTimeout, watcher, canBeReadOnly)
                        : new ZooKeeperAdmin(connect, sessionTimeout, watcher, canBeReadOnly, config);
            } finally {
                thread.setContextClassLoader(before);
            }
        }
    }

    /** The ZooKeeper client properties set, by name (passwords appear only as file paths). */
    Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        if (tls) {
            p.put(ZKClientConfig.SECURE_CLIENT, "true");
            p.put(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
            try (ClientX509Util x509 = new ClientX509Util()) {
                putIfSet(p, x509.getSslKeystoreLocationProperty(), keyStore);
                putIfSet(p, x509.getSslKeystorePasswdPathProperty(), keyStorePasswordFile);
                putIfSet(p, x509.getSslKeystoreTypeProperty(), keyStoreType);
                putIfSet(p, x509.getSslTruststoreLocationProperty(), trustStore);
                putIfSet(p, x509.getSslTruststorePasswdPathProperty(), trustStorePasswordFile);
                putIfSet(p, x509.getSslTruststoreTypeProperty(), trustStoreType);
                p.put(x509.getSslHostnameVerificationEnabledProperty(), Boolean.toString(hostnameVerification));
            }
        }
        if (!saslLoginContext.isEmpty()) {
            p.put(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "true");
            p.put(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, saslLoginContext);
        }
        putIfSet(p, ZKClientConfig.ZOOKEEPER_SERVER_PRINCIPAL, saslServerPrincipal);
        putIfSet(p, FIPS_MODE, fipsMode);
        return p;
    }

    private static void putIfSet(Map<String, String> p, String key, String value) {
        if (!value.isEmpty()) {
            p.put(key, value);
        }
    }

    private static void requireReadable(String key, String file) {
        if (!file.isEmpty() && !Files.isReadable(Path.of(file))) {
            throw new IllegalArgumentException(key + " " + file + " does not exist or cannot be read");
        }
    }

    private static void requireType(String key, String type) {
        if (!type.isEmpty() && !STORE_TYPES.contains(type)) {
            throw new IllegalArgumentException(key + " '" + type + "': expected one of " + STORE_TYPES);
        }
    }

    private static String blankIfNull(String s) {
        return s == null ? "" : s.trim();
    }

    private static String text(Map<String, ?> config, String key) {
        Object v = config.get(key);
        return v == null ? "" : String.valueOf(v).trim();
    }

    private static boolean bool(Map<String, ?> config, String key, boolean fallback) {
        Object v = config.get(key);
        String s = v == null ? "" : String.valueOf(v).trim().toLowerCase(java.util.Locale.ROOT);
        if (s.isEmpty()) {
            return fallback;
        }
        if (!s.equals("true") && !s.equals("false")) {
            throw new IllegalArgumentException(key + " '" + v + "': expected true or false");
        }
        return s.equals("true");
    }

    /** What is on, without secrets, for the log. */
    @Override
    public String toString() {
        return "tls=" + (tls ? "on" + (trustStore.isEmpty() ? "" : " truststore=" + trustStore)
                + (keyStore.isEmpty() ? "" : " keystore=" + keyStore) + (hostnameVerification ? "" : " no-hostname-check")
                : "off") + ", sasl=" + (saslLoginContext.isEmpty() ? "default" : "login context " + saslLoginContext)
                + (fipsMode.isEmpty() ? "" : ", fips.mode=" + fipsMode);
    }
}
