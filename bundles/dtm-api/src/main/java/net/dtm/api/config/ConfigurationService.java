package net.dtm.api.config;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import net.dtm.api.DtmException;

/**
 * The tunnel ends this node configures and the safe transaction around every change to them.
 * An end is named by its interface name on the device it lives on ({@code dtm0} on a router,
 * one name per device on a gateway).
 */
@ProviderType
public interface ConfigurationService {

    /** The vendor adapters installed, in the order the core prefers them. */
    List<AdapterInfo> adapters();

    /** The ends this node manages, sorted by name. */
    List<EndView> ends();

    /**
     * One end: its intent, the parsed running state (read from the device now) and their diff.
     *
     * @throws DtmException BAD_REQUEST if the device cannot be read
     */
    Optional<EndView> show(String end);

    /**
     * What applying the end's intent now would change, without touching the device.
     *
     * @throws DtmException BAD_REQUEST for an unknown end, or when the intent fails validation
     */
    Preview preview(String end);

    /**
     * Applies the end's intent through the safe transaction and waits for its outcome. With
     * {@code holdForConfirm} the change stays pending until {@link #confirm(String, String)} and is
     * rolled back when the confirm timeout passes first; otherwise it is confirmed by its own
     * verification (state read back and a probe through the tunnel).
     *
     * @param who the operator or component that asked, recorded in the history
     * @throws DtmException BAD_REQUEST for an unknown end
     */
    Transaction apply(String end, String who, boolean holdForConfirm);

    /**
     * Confirms the end's pending change.
     *
     * @throws DtmException BAD_REQUEST for an unknown end or when nothing is pending
     */
    Transaction confirm(String end, String who);

    /** The end's history, newest first. */
    List<Transaction> history(String end);

    /**
     * Makes the configuration recorded in history entry {@code number} the running one again,
     * through the same safe transaction (it becomes a new entry).
     *
     * @throws DtmException BAD_REQUEST for an unknown end or entry
     */
    Transaction rollback(String end, int number, String who);
}
