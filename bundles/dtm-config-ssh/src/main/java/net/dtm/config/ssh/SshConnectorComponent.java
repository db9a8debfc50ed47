package net.dtm.config.ssh;

import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.config.ssh.SshConnector;

/**
 * Publishes a {@link MinaSshConnector} as the {@link SshConnector} service, configured by
 * {@code etc/net.dtm.ssh.cfg}; a configuration change restarts it (open connections are closed).
 * The registration is done by hand so that the service object is the plain connector.
 */
@Component(service = {}, immediate = true, configurationPid = SshSettings.PID)
@Designate(ocd = SshConnectorComponent.Config.class)
public class SshConnectorComponent {

    /** Configuration {@code net.dtm.ssh}. */
    @ObjectClassDefinition(name = "DTM SSH device sessions",
            description = "How DTM's vendor adapters reach devices over SSH: pinned host keys and time limits.")
    public @interface Config {

        /** Known-hosts file. */
        @AttributeDefinition(name = "Known hosts file", description = "OpenSSH known_hosts file where the host key"
                + " of each device is pinned on its first connection (mode 600). When a device is replaced, remove"
                + " its line here to accept the new key.")
        String known_hosts_file() default "${karaf.etc}/dtm-known-hosts";

        /** Connect timeout. */
        @AttributeDefinition(name = "Connect timeout (seconds)", description = "Limit for connecting to a device,"
                + " the key exchange and the login together.", min = "1")
        long connect_timeout_seconds() default 10;

        /** Command timeout. */
        @AttributeDefinition(name = "Command timeout (seconds)", description = "Limit for opening a device's"
                + " interactive shell and reading its first prompt (adapters give their own limit per command).",
                min = "1")
        long command_timeout_seconds() default 30;
    }

    private static final Logger LOG = LoggerFactory.getLogger(SshConnectorComponent.class);

    private final MinaSshConnector connector;
    private final ServiceRegistration<SshConnector> registration;

    /** Creates the connector from {@code config} and registers it. */
    @Activate
    public SshConnectorComponent(BundleContext context, Config config) {
        SshSettings settings = SshSettings.of(config.known_hosts_file(), config.connect_timeout_seconds(),
                config.command_timeout_seconds(), name -> {
                    String value = context.getProperty(name);
                    return value != null ? value : System.getProperty(name);
                });
        this.connector = settings.connector();
        try {
            this.registration = context.registerService(SshConnector.class, connector, new Hashtable<>());
        } catch (RuntimeException e) {
            connector.close();
            throw e;
        }
        LOG.info("SSH device sessions ready: host keys pinned in {}, connect timeout {} s, command timeout {} s",
                settings.knownHostsFile(), settings.connectTimeout().toSeconds(), settings.commandTimeout().toSeconds());
    }

    /** Unregisters the service and stops the connector. */
    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregisters it when the bundle stops first
        }
        connector.close();
    }
}
