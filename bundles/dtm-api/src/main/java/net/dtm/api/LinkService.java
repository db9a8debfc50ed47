package net.dtm.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The device's WAN links as the multi-link transport uses them (agent side). */
@ProviderType
public interface LinkService {

    /** All links the transport tracks, by id. */
    List<LinkInfo> links();

    /** One link. */
    Optional<LinkInfo> link(String id);

    /**
     * Lets the transport use the link again.
     *
     * @return false if there is no such link
     */
    boolean enable(String id);

    /**
     * Stops the transport from using the link (requests in flight continue on the others).
     *
     * @return false if there is no such link
     */
    boolean disable(String id);
}
