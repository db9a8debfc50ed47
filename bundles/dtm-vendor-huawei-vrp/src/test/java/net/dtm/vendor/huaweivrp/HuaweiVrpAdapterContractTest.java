package net.dtm.vendor.huaweivrp;

import java.util.Map;
import java.util.Optional;

import net.dtm.api.TunnelType;
import net.dtm.config.ssh.testkit.ManualClock;
import net.dtm.config.tck.VendorAdapterContract;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;
import net.dtm.vendor.huaweivrp.emulator.VrpEmulator;

/** The adapter contract, through the core's own transaction, with the VRP emulator as the live device. */
class HuaweiVrpAdapterContractTest extends VendorAdapterContract {

    private final VrpEmulator device = new VrpEmulator(new ManualClock(), "dtm");
    private final HuaweiVrpAdapter adapter = new HuaweiVrpAdapter(new InMemorySsh(device));

    @Override
    protected VendorAdapter adapter() {
        return adapter;
    }

    @Override
    protected Map<String, Object> serviceProperties() {
        return Map.of(VendorAdapter.PROP_VENDOR, HuaweiVrpAdapter.VENDOR);
    }

    @Override
    protected Optional<DeviceTarget> liveDevice() {
        return Optional.of(Samples.target("vrp.test", 22, Map.of()));
    }

    @Override
    protected TunnelIntent sampleIntent(TunnelType type) {
        return type == TunnelType.GRE ? Samples.gre("dtmc7", 4711) : Samples.ipip("dtmc7");
    }
}
