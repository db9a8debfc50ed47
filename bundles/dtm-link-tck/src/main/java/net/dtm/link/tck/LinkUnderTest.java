package net.dtm.link.tck;

import java.util.Objects;
import java.util.Optional;

import net.dtm.spi.link.LinkDriver;

/**
 * One driver handed to the contract suite, with the means to steer it: how it is withdrawn (as its
 * bundle withdraws it: the component deactivated, the link closed) and, if the driver has a DOWN
 * state short of being withdrawn, how its medium goes away and comes back (an emulated outage, the
 * interface disappearing).
 *
 * @param driver the driver under test, bound on the loopback interface
 * @param close  withdraws it; called at most once
 * @param outage takes the medium away and back, if the driver can be DOWN while it exists
 */
public record LinkUnderTest(LinkDriver driver, Action close, Optional<Outage> outage) {

    /** A step that may fail. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /**
     * Takes the link's medium away and back.
     *
     * @param down makes the link DOWN as its medium would
     * @param up   restores it: the link comes UP again (possibly on another local address)
     */
    public record Outage(Action down, Action up) {
        public Outage {
            Objects.requireNonNull(down, "down");
            Objects.requireNonNull(up, "up");
        }
    }

    public LinkUnderTest {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(close, "close");
        Objects.requireNonNull(outage, "outage");
    }

    /** A driver that is UP until it is withdrawn. */
    public static LinkUnderTest of(LinkDriver driver, Action close) {
        return new LinkUnderTest(driver, close, Optional.empty());
    }

    /** The same driver with a way to make it DOWN and UP again. */
    public LinkUnderTest withOutage(Action down, Action up) {
        return new LinkUnderTest(driver, close, Optional.of(new Outage(down, up)));
    }
}
