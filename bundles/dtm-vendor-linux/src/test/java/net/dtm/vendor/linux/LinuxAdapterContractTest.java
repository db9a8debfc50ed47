package net.dtm.vendor.linux;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

import net.dtm.api.TunnelType;
import net.dtm.config.tck.VendorAdapterContract;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/**
 * The adapter contract, through the core's own transaction. The live device is a fresh network
 * namespace joined by a veth pair to a peer namespace (target option {@code netns}), made for each
 * test when this JVM is root and removed after it; otherwise the live tests skip.
 */
class LinuxAdapterContractTest extends VendorAdapterContract {

    private LiveNetwork net;
    private boolean tried;

    /** Removes the namespaces after the suite's own clean-up, which still needs the device. */
    @RegisterExtension
    final AfterEachCallback removeNamespaces = context -> {
        if (net != null) {
            net.close();
            net = null;
        }
    };

    @Override
    protected VendorAdapter adapter() {
        return new LinuxAdapter();
    }

    @Override
    protected Map<String, Object> serviceProperties() {
        return Map.of(VendorAdapter.PROP_VENDOR, LinuxAdapter.VENDOR);
    }

    @Override
    protected Optional<DeviceTarget> liveDevice() {
        if (!tried) {
            tried = true;
            if (LiveNetwork.unavailable().isEmpty()) {
                net = LiveNetwork.create();
            }
        }
        return Optional.ofNullable(net).map(n -> LiveNetwork.target(n.nsA));
    }

    @Override
    protected TunnelIntent sampleIntent(TunnelType type) {
        liveDevice();
        String local = net == null ? "192.0.2.1" : net.outerA();
        String remote = net == null ? "192.0.2.2" : net.outerB();
        return switch (type) {
            case VXLAN -> Samples.intent("dtmc0", type, local, remote, 4789, 4711, "10.220.0.1", 30, "10.220.0.2", 1400,
                    "10.221.0.0/16");
            case GRE -> Samples.intent("dtmc0", type, local, remote, 0, 4711, "10.220.0.1", 30, "10.220.0.2", 1400, "10.221.0.0/16");
            case IPIP -> Samples.intent("dtmc0", type, local, remote, 0, 0, "10.220.0.1", 30, "10.220.0.2", 1400, "10.221.0.0/16");
            case WIREGUARD -> Samples.wireGuard("dtmc0", local, remote, 51820, "10.220.0.1", 30, "10.220.0.2", 1380,
                    Path.of("/etc/dtm/wireguard/dtmc0.key"), Samples.PEER_KEY, 51821, 25, "10.221.0.0/16");
        };
    }
}
