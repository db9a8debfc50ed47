package net.dtm.examples.vendor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.config.tck.VendorAdapterContract;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/** DTM's adapter contract; the live device is a fresh temporary folder for each test. */
class ExampleFilesAdapterContractTest extends VendorAdapterContract {

    @TempDir
    Path device;

    @Override
    protected VendorAdapter adapter() {
        return new ExampleFilesAdapter(device.resolve("default"));
    }

    @Override
    protected Map<String, Object> serviceProperties() {
        return Map.of(VendorAdapter.PROP_VENDOR, ExampleFilesAdapter.VENDOR,
                VendorAdapter.PROP_MODELS, new String[] {ExampleFilesAdapter.MODELS});
    }

    @Override
    protected Optional<DeviceTarget> liveDevice() {
        return Optional.of(target(device.resolve("exr")));
    }

    static DeviceTarget target(Path root) {
        return new DeviceTarget(ExampleFilesAdapter.VENDOR, "EXR-100", "", "", 0, "", Optional.empty(),
                Map.of(ExampleFilesAdapter.OPTION_ROOT, root.toString()));
    }

    @Override
    protected TunnelIntent sampleIntent(TunnelType type) {
        return sample(type);
    }

    static TunnelIntent sample(TunnelType type) {
        long key = switch (type) {
            case VXLAN, GRE -> 4711;
            default -> 0;
        };
        return new TunnelIntent("exr0", TunnelIntent.Role.DEVICE, type, ip("192.0.2.1"),
                new InetSocketAddress(ip("198.51.100.1"), type == TunnelType.VXLAN ? 4789 : 0), key, ip("10.220.0.1"), 30,
                ip("10.220.0.2"), List.of(Cidr.parse("10.221.0.0/16")), 1400, Optional.empty(), 0);
    }

    static InetAddress ip(String literal) {
        return Cidr.parseLiteral(literal);
    }
}
