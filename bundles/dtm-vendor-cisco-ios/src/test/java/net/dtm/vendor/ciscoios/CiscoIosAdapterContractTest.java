package net.dtm.vendor.ciscoios;

import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;

import net.dtm.api.TunnelType;
import net.dtm.config.tck.VendorAdapterContract;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/**
 * The adapter contract through the core's own transaction, the live device being the IOS emulator
 * over real SSH (one lab for the class; the suite removes its sample before and after each test).
 */
class CiscoIosAdapterContractTest extends VendorAdapterContract {

    private static IosLab lab;

    private static synchronized IosLab lab() {
        if (lab == null) {
            try {
                lab = new IosLab(Files.createTempDirectory("ios-contract"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return lab;
    }

    @AfterAll
    static void closeLab() {
        if (lab != null) {
            lab.close();
            lab = null;
        }
    }

    @Override
    protected VendorAdapter adapter() {
        return lab().adapter();
    }

    @Override
    protected Map<String, Object> serviceProperties() {
        return Map.of(VendorAdapter.PROP_VENDOR, CiscoIosAdapter.VENDOR);
    }

    @Override
    protected Optional<DeviceTarget> liveDevice() {
        return Optional.of(lab().target());
    }

    @Override
    protected void resetLiveDevice() {
        lab().device.refuseNothing();
        lab().device.archive(true);
    }

    @Override
    protected TunnelIntent sampleIntent(TunnelType type) {
        return switch (type) {
            case GRE -> Samples.gre("dtmc0");
            case IPIP -> Samples.ipip("dtmc0");
            default -> throw new AssertionError("cisco-ios does not support " + type);
        };
    }

}
