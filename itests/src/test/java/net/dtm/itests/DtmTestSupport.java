package net.dtm.itests;

import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.security.auth.Subject;

import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.awaitility.Awaitility;
import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.tracker.ServiceTracker;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;

/**
 * Boots OUR distribution (karaf-assembly's tar.gz) with random ports for SSH, RMI and HTTP and a
 * random UDP port for the tunnel server (the demo agent follows it), and offers what the tests
 * need: services with a timeout, and shell commands run as an admin.
 */
public abstract class DtmTestSupport {

    /** Boot and establishment over 50 % loss both ways can take a while on a busy 2-core box. */
    protected static final Duration SERVICE_TIMEOUT = Duration.ofSeconds(90);

    /**
     * A file of mode 0600 holding {@code content} and a newline, deleted when the test JVM exits:
     * what a node's {@code *.password.file} settings name.
     */
    protected static java.nio.file.Path secretFile(String content) throws IOException {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("dtm-itest-zk", ".password",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        file.toFile().deleteOnExit();
        java.nio.file.Files.writeString(file, content + "\n", StandardCharsets.UTF_8);
        return file;
    }

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected FeaturesService featuresService;

    @Inject
    protected SessionFactory sessionFactory;

    @Configuration
    public Option[] config() throws IOException {
        String distribution = System.getProperty("dtm.distribution");
        File tarGz = distribution == null ? null : new File(distribution);
        if (tarGz == null || !tarGz.isFile()) {
            throw new IllegalStateException("DTM distribution not found at " + distribution + ": build karaf-assembly first");
        }
        int udpPort = freeUdpPort();
        List<Option> options = new ArrayList<>(Arrays.asList(
                karafDistributionConfiguration()
                        .frameworkUrl(tarGz.toURI().toString())
                        .karafVersion(System.getProperty("karaf.version", "4.4.10"))
                        .name("DTM")
                        .unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole(),
                logLevel(LogLevel.INFO),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(freeTcpPort())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(freeTcpPort())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(freeTcpPort())),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", Integer.toString(freeTcpPort())),
                editConfigurationFilePut("etc/net.dtm.server.cfg", "bind.port", Integer.toString(udpPort)),
                editConfigurationFilePut("etc/net.dtm.agent.cfg", "servers", "127.0.0.1:" + udpPort),
                // dtm-demo's pool and device, written before the first start: the node provisions
                // them at boot, and installing the demo finds its net.dtm.bootstrap file there
                editConfigurationFilePut("etc/net.dtm.bootstrap.cfg", "pools", "demo=10.64.0.0/16,3600"),
                editConfigurationFilePut("etc/net.dtm.bootstrap.cfg", "devices", "smr-demo-1"),
                // what dtm-demo appends to the agent's settings where missing, written before the
                // first start as run.sh does: installing the demo then appends nothing (Karaf's
                // append rewrites the file while its file watcher may be writing it)
                editConfigurationFilePut("etc/net.dtm.agent.cfg", "device.id", "smr-demo-1"),
                editConfigurationFilePut("etc/net.dtm.agent.cfg", "device.key.file", "${karaf.etc}/dtm-keys/smr-demo-1.key"),
                editConfigurationFilePut("etc/net.dtm.agent.cfg", "tunnel.type", "vxlan"),
                editConfigurationFilePut("etc/net.dtm.agent.cfg", "pool", ""),
                // Tests run inside Karaf: they read their parameters from system properties there.
                editConfigurationFilePut("etc/system.properties", "dtm.itest.udp.port", Integer.toString(udpPort)),
                mavenBundle("org.hamcrest", "hamcrest", "2.1"),
                mavenBundle("org.awaitility", "awaitility", System.getProperty("dtm.awaitility.version", "4.2.2"))));
        String localRepository = System.getProperty("dtm.maven.localRepository");
        if (localRepository != null && !localRepository.isBlank()) {
            options.add(editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg",
                    "org.ops4j.pax.url.mvn.localRepository", localRepository));
        }
        options.addAll(Arrays.asList(extraOptions()));
        return options.toArray(new Option[0]);
    }

    /**
     * The demo (pool demo, device smr-demo-1 and its key, a local agent over three emulated links),
     * which the distribution no longer boots by itself: installed before the first test of the
     * container, as an operator would with {@code feature:install dtm-demo}.
     */
    @Before
    public void installDemo() throws Exception {
        Feature demo = featuresService.getFeature("dtm-demo");
        if (demo == null) {
            throw new IllegalStateException("feature dtm-demo not found in the distribution");
        }
        if (featuresService.isInstalled(demo)) {
            return;
        }
        // no refresh of bundles already running: the test's own services stay valid
        featuresService.installFeature("dtm-demo", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        // the demo's pool and device (net.dtm.bootstrap) are provisioned on another thread: wait
        // for them, unless the test blanked them (a cluster node) or selected no store that exists
        // (then no pool can be made)
        String store = etc("net.dtm.store.cfg").getProperty("type", "").trim();
        if (!etc("net.dtm.bootstrap.cfg").getProperty("pools", "").isBlank()
                && List.of("", "derby", "zookeeper").contains(store)) {
            awaitTrue("the demo pool and device", SERVICE_TIMEOUT,
                    () -> service(AddressPoolAdminService.class).pool("demo").isPresent()
                            && service(DeviceService.class).device(DeviceId.of("smr-demo-1")).isPresent());
        }
    }

    private static Properties etc(String file) throws IOException {
        Properties p = new Properties();
        Path path = Path.of(System.getProperty("karaf.etc"), file);
        if (Files.exists(path)) {
            try (InputStream in = Files.newInputStream(path)) {
                p.load(in);
            }
        }
        return p;
    }

    /** Options a test class adds to the common ones (called in the test driver, not in Karaf). */
    protected Option[] extraOptions() throws IOException {
        return new Option[0];
    }

    /** Waits for a service and returns it; fails with the type's name if it does not come. */
    protected <T> T service(Class<T> type) {
        return service(type, SERVICE_TIMEOUT);
    }

    protected <T> T service(Class<T> type, Duration timeout) {
        return service(type, "", timeout);
    }

    /**
     * Waits for a service of {@code type} whose properties match {@code filter} (an LDAP filter
     * such as {@code (dtm.store.type=zookeeper)}, or empty for any) and returns it.
     */
    protected <T> T service(Class<T> type, String filter, Duration timeout) {
        ServiceTracker<T, T> tracker;
        try {
            tracker = new ServiceTracker<>(bundleContext,
                    bundleContext.createFilter("(&(objectClass=" + type.getName() + ")" + filter + ")"), null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad filter " + filter, e);
        }
        tracker.open();
        try {
            T service = tracker.waitForService(timeout.toMillis());
            if (service == null) {
                throw new AssertionError("service " + type.getName() + (filter.isEmpty() ? "" : " " + filter)
                        + " not registered within " + timeout.toSeconds() + " s");
            }
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + type.getName(), e);
        } finally {
            tracker.close();
        }
    }

    /** The installed bundle of that symbolic name; fails if there is none. */
    protected Bundle bundleBySymbolicName(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }

    /** Services of {@code type} registered now whose properties match {@code filter} (null: all). */
    protected List<ServiceReference<?>> references(Class<?> type, String filter) throws InvalidSyntaxException {
        ServiceReference<?>[] refs = bundleContext.getServiceReferences(type.getName(), filter);
        return refs == null ? List.of() : List.of(refs);
    }

    /**
     * Waits until every DS component of the bundle has activated, so that what it registers (or,
     * for an idle store, does not register) is settled.
     */
    protected void awaitComponentsActive(String symbolicName) {
        Bundle bundle = bundleBySymbolicName(symbolicName);
        ServiceComponentRuntime scr = service(ServiceComponentRuntime.class);
        awaitTrue("components of " + symbolicName + " active", Duration.ofSeconds(60), () -> {
            List<ComponentConfigurationDTO> configurations = new ArrayList<>();
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
                configurations.addAll(scr.getComponentConfigurationDTOs(description));
            }
            return !configurations.isEmpty()
                    && configurations.stream().allMatch(c -> c.state == ComponentConfigurationDTO.ACTIVE);
        });
    }

    /** Waits until the shell knows {@code scope:name}. */
    protected void awaitCommand(String scope, String name) {
        Awaitility.await("command " + scope + ":" + name).atMost(SERVICE_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> sessionFactory.getRegistry().getCommand(scope, name) != null);
    }

    /** A JAAS subject: the user {@code user} (none if null) with {@code roles}. */
    protected static Subject subject(String user, String... roles) {
        Subject s = new Subject();
        if (user != null) {
            s.getPrincipals().add(new UserPrincipal(user));
        }
        for (String role : roles) {
            s.getPrincipals().add(new RolePrincipal(role));
        }
        return s;
    }

    /**
     * Runs a shell command as a user with the admin roles and returns what it printed.
     *
     * @throws Exception whatever the command threw (Karaf prints it as "Error executing command")
     */
    protected String executeCommand(String command) throws Exception {
        return executeAs(subject(null, "admin", "manager", "viewer"), command);
    }

    /**
     * Runs {@code command} in a new shell session as {@code subject}; returns what it printed.
     *
     * @throws Exception whatever the command threw (Karaf prints it as "Error executing command")
     */
    protected String executeAs(Subject subject, String command) throws Exception {
        String[] words = command.trim().split("\\s+")[0].split(":");
        awaitCommand(words[0], words[1]);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        Session session = sessionFactory.create(System.in, out, out);
        try {
            Object result = Subject.doAs(subject, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
            if (result != null) {
                out.println(result);
            }
        } catch (java.security.PrivilegedActionException e) {
            throw e.getException();
        } finally {
            out.flush();
            session.close();
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** True if the shell refused {@code command} to {@code subject} for want of a role. */
    protected boolean deniedTo(Subject subject, String command) {
        try {
            executeAs(subject, command);
            return false;
        } catch (Exception e) {
            // Karaf refuses with SecurityException ("Insufficient credentials"), or hides the command
            // (CommandNotFoundException); anything else (e.g. "Pool not deleted: ...") ran it.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SecurityException || t.getClass().getSimpleName().equals("CommandNotFoundException")) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A run-unique suffix, so tests never depend on each other's data or on a clean slate. */
    protected static String unique() {
        return Long.toString(System.nanoTime() & 0xffffffL, 36) + Integer.toString((int) (Math.random() * 1000));
    }

    protected static void awaitTrue(String what, Duration atMost, java.util.concurrent.Callable<Boolean> condition) {
        Awaitility.await(what).atMost(atMost.toMillis(), TimeUnit.MILLISECONDS).pollInterval(Duration.ofMillis(100))
                .until(condition);
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
