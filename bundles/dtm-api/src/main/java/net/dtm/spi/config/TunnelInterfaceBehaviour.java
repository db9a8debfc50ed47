package net.dtm.spi.config;

import java.util.List;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

import net.dtm.api.TunnelType;

/** Creates, changes and removes the tunnel interface itself (encapsulation, outer endpoints, key). */
@ConsumerType
public interface TunnelInterfaceBehaviour extends Behaviour {

    /** The encapsulations this device can build. */
    Set<TunnelType> types();

    /**
     * Device-specific problems with {@code intent} (an interface name the platform cannot use, a
     * type its OS version lacks...), each a sentence for an operator; empty when it can be built.
     * Called before anything touches the device. The core has already checked what holds for every
     * device (MTU, key range, addresses).
     */
    List<String> validate(TunnelIntent intent);

    /** Commands that create the interface of {@code intent}, up, with its outer endpoints and key. */
    List<String> create(TunnelIntent intent);

    /**
     * Commands that turn the running interface into the wanted one when its type, outer endpoints or
     * key differ (may delete and create; the core re-adds addresses and routes afterwards when
     * {@link #recreates(TunnelIntent, TunnelIntent)} says so).
     */
    List<String> update(TunnelIntent wanted, TunnelIntent running);

    /** True if {@link #update(TunnelIntent, TunnelIntent)} removes and re-creates the interface. */
    boolean recreates(TunnelIntent wanted, TunnelIntent running);

    /** Commands that remove interface {@code name} and everything configured on it. */
    List<String> delete(String name);
}
