package net.dtm.config.tck;

import net.dtm.config.fake.FakeAdapter;
import net.dtm.config.fake.FakeDevice;

/** The contract against dtm-config's in-memory fake device, live tests included. */
class FakeAdapterContractTest extends OnFakeDevice {

    FakeAdapterContractTest() {
        super(new FakeAdapter(new FakeDevice()), "dtmtck0");
    }
}
