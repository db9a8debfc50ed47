package net.dtm.vendor.huaweivrp;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;

import net.dtm.api.TunnelType;
import net.dtm.config.tck.VendorAdapterContract;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/**
 * The adapter contract, through the core's own transaction, with the VRP emulator over SSH as the
 * live device (one server for the class; the suite resets the device before and after each test).
 */
class HuaweiVrpAdapterContractTest extends VendorAdapterContract {

    private static EmulatedVrp vrp;

    private static synchronized EmulatedVrp vrp() {
        if (vrp == null) {
            vrp = new EmulatedVrp();
        }
        return vrp;
    }

    @AfterAll
    static synchronized void stop() {
        if (vrp != null) {
            vrp.close();
            vrp = null;
        }
    }

    @Override
    protected VendorAdapter adapter() {
        return vrp().adapter;
    }

    @Override
    protected Map<String, Object> serviceProperties() {
        return Map.of(VendorAdapter.PROP_VENDOR, HuaweiVrpAdapter.VENDOR);
    }

    @Override
    protected Optional<DeviceTarget> liveDevice() {
        return Optional.of(vrp().target());
    }

    @Override
    protected void resetLiveDevice() {
        vrp().device.reset();
    }

    @Override
    protected TunnelIntent sampleIntent(TunnelType type) {
        return type == TunnelType.GRE ? Samples.gre("dtmc7", 4711) : Samples.ipip("dtmc7");
    }
}
