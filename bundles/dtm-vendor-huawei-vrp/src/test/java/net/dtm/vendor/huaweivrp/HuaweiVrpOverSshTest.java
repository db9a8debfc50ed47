package net.dtm.vendor.huaweivrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.config.Transaction;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.TunnelIntent;

/**
 * The adapter over real SSH to the emulator: nothing is pushed when nothing changed, a connection
 * cut in the middle of a change or before its confirmation leaves the device as it was, a long
 * sysname changed mid-session is followed by the terminal, a replaced host key is refused.
 */
class HuaweiVrpOverSshTest {

    private final EmulatedVrp vrp = new EmulatedVrp();
    private final Core core = new Core(vrp.adapter);
    private final TunnelIntent sample = Samples.gre("dtm7", 4711);

    @AfterEach
    void stop() {
        core.close();
        vrp.close();
    }

    private Optional<TunnelIntent> read() throws ConfigException {
        try (ConfigSession s = vrp.adapter.open(vrp.target())) {
            return s.read(sample.name(), sample.role());
        }
    }

    @Test
    void aSecondApplyOfTheSameIntentPushesNothing() throws Exception {
        assertEquals(Transaction.Result.CONFIRMED, core.set(vrp.target(), sample).result());
        List<Long> commits = vrp.device.commitIds();
        vrp.server.clearReceived();
        Transaction again = core.manager.apply(sample.name(), "test", false);
        assertEquals(Transaction.Result.NO_CHANGE, again.result(), again.detail());
        List<String> received = vrp.server.received();
        assertFalse(received.isEmpty(), "the state was read");
        assertTrue(received.stream().allMatch(l -> l.startsWith("display ") || l.equals("screen-length 0 temporary")),
                "only reads reached the device: " + received);
        assertEquals(commits, vrp.device.commitIds());
    }

    @Test
    void aConnectionCutInTheMiddleOfTheChangeLeavesTheDeviceAsItWas() throws Exception {
        assertEquals(Transaction.Result.CONFIRMED, core.set(vrp.target(), sample).result());
        String before = vrp.device.runningConfig();
        vrp.server.dropConnectionsWhen(l -> l.startsWith("ip route-static 10.99."));
        TunnelIntent changed = Samples.withRoutes(sample.withMtu(1380),
                List.of(net.dtm.api.Cidr.parse("10.99.0.0/16"), net.dtm.api.Cidr.parse("10.221.0.0/16")));
        Transaction t = core.set(vrp.target(), changed);
        assertEquals(Transaction.Result.ROLLED_BACK, t.result(), t.detail());
        assertTrue(t.detail().contains("channel failed"), t.detail());
        assertEquals(before, vrp.device.runningConfig(), "the candidate (mtu 1380 already in it) died with the session");
        assertTrue(vrp.device.events().stream().anyMatch(e -> e.contains("candidate discarded")), vrp.device.events().toString());
        vrp.server.dropConnectionsWhen(l -> false);
        Transaction retry = core.set(vrp.target(), changed);
        assertEquals(Transaction.Result.CONFIRMED, retry.result(), retry.detail());
    }

    @Test
    void aConnectionCutBeforeTheConfirmationIsUndoneByTheDevicesTrialTimer() throws Exception {
        String before = vrp.device.runningConfig();
        vrp.server.dropConnectionsWhen(l -> l.equals("commit"));
        Transaction t = core.set(vrp.target(), sample);
        assertEquals(Transaction.Result.ROLLED_BACK, t.result(), t.detail());
        assertFalse(t.restored(), "DTM could not reach the device to undo it: " + t.detail());
        assertTrue(vrp.device.trialRunning(), "the trial outlives the connection");
        vrp.server.dropConnectionsWhen(l -> false);
        assertTrue(read().isPresent());
        vrp.clock.advance(Duration.ofSeconds(75));
        assertEquals(before, vrp.device.runningConfig());
        assertEquals(Optional.empty(), read());
    }

    @Test
    void aLongSysnameCommittedByAnotherOperatorMidChangeIsFollowed() throws Exception {
        String name = "core-router-in-the-north-east-depot-number-0042-with-a-very-long-name";
        vrp.device.onLine(line -> {
            if (line.startsWith("tunnel-protocol")) {
                vrp.device.commitSysname(name);
            }
        });
        Transaction t = core.set(vrp.target(), sample);
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertEquals(name, vrp.device.sysname());
        assertTrue(read().isPresent());
    }

    @Test
    void aReplacedHostKeyIsRefused() throws Exception {
        assertEquals(Optional.empty(), read());
        vrp.replaceHostKey();
        ConfigException e = assertThrows(ConfigException.class, () -> vrp.adapter.open(vrp.target()));
        assertFalse(e.rejected());
        assertTrue(e.getMessage().contains("SHA256:"), e.getMessage());
        Transaction t = core.set(vrp.target(), sample);
        assertEquals(Transaction.Result.FAILED, t.result());
        assertTrue(vrp.server.received().stream().noneMatch(l -> l.startsWith("interface")), "nothing reached the replaced device");
    }
}
