package net.dtm.config.tck;

import net.dtm.api.TunnelType;
import net.dtm.config.fake.FakeAdapter;
import net.dtm.config.fake.FakeDevice;

/** The contract against the fake with the device's own commit-confirm timer and without WireGuard, on WireGuard-less GRE. */
class FakeAdapterWithCommitConfirmContractTest extends OnFakeDevice {

    FakeAdapterWithCommitConfirmContractTest() {
        super(new FakeAdapter(new FakeDevice()).withCommitConfirm().withoutWireGuard(), "dtmtck1");
    }

    @Override
    protected TunnelType liveType() {
        return TunnelType.GRE;
    }
}
