package net.dtm.server.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.api.Pool;
import net.dtm.server.node.ServerNode;
import net.dtm.spi.cluster.Cluster;

/**
 * Creates the pools and enrols the devices that PID {@value #PID} names, when they are missing:
 * the same as {@code bootstrap.pool} and {@code bootstrap.devices} of {@code net.dtm.server}, in a
 * file of its own. The {@code dtm-demo} feature brings its pool and device this way: a feature that
 * added keys to the operator's {@code net.dtm.server.cfg} would have Karaf rewrite that file while
 * its file watcher may be writing it too, and an operator's key (such as {@code bind.port}) could be
 * lost. Only with a configuration: without the file, this component does nothing.
 * <p>
 * Like the server's own bootstrap it waits in the background for a store that cannot be reached yet
 * ({@link Provisioning}) and creates only what is missing, so it is safe on every node of a cluster
 * and at every start.
 */
@Component(configurationPid = BootstrapComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}, immediate = true)
@Designate(ocd = BootstrapComponent.Config.class)
public class BootstrapComponent {

    /** Configuration PID. */
    public static final String PID = "net.dtm.bootstrap";

    @ObjectClassDefinition(name = "DTM bootstrap", description = "Pools and devices created when missing (the dtm-demo feature's)")
    public @interface Config {
        @AttributeDefinition(description = "Pools created if missing: name=prefix,leaseSeconds;... e.g. demo=10.64.0.0/16,3600")
        String pools() default "";

        @AttributeDefinition(description = "Comma list of device ids enrolled if missing, keys written to keys.dir")
        String devices() default "";

        @AttributeDefinition(description = "Folder for the devices' key files; empty = ${karaf.etc}/dtm-keys")
        String keys_dir() default "";
    }

    private final Provisioning provisioning;

    /** @throws IllegalArgumentException naming a malformed pool or device entry (nothing is created) */
    @Activate
    public BootstrapComponent(@Reference(name = "pools") AddressPoolAdminService pools,
                              @Reference(name = "devices") DeviceService devices,
                              @Reference(name = "cluster", policyOption = ReferencePolicyOption.GREEDY) Cluster cluster,
                              Config config) throws IOException {
        List<Pool> wantedPools = Bootstrap.parsePools(config.pools());
        List<DeviceId> wantedDevices = Bootstrap.parseDevices(config.devices());
        Path keysDir = Bootstrap.keysDir(config.keys_dir());
        String nodeId = cluster.nodeId();
        this.provisioning = Provisioning.start(() -> {
            Bootstrap.pools(wantedPools, pools, nodeId);
            Bootstrap.devices(wantedDevices, devices, keysDir, nodeId);
        }, ServerNode.PROVISIONING_RETRY, nodeId);
    }

    /** Whether every pool and device is there (tests). */
    boolean provisioned() {
        return provisioning.done();
    }

    @Deactivate
    void deactivate() {
        provisioning.close();
    }
}
