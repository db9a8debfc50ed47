package net.dtm.agent;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import net.dtm.api.LinkInfo;
import net.dtm.api.LinkService;
import net.dtm.transport.MultiLinkTransport;

/** {@link LinkService} over the agent's multi-link transport. */
final class TransportLinkService implements LinkService {

    private final MultiLinkTransport transport;

    TransportLinkService(MultiLinkTransport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    @Override
    public List<LinkInfo> links() {
        return transport.linkInfos();
    }

    @Override
    public Optional<LinkInfo> link(String id) {
        return transport.linkInfos().stream().filter(i -> i.id().equals(id)).findFirst();
    }

    @Override
    public boolean enable(String id) {
        return id != null && transport.enable(id);
    }

    @Override
    public boolean disable(String id) {
        return id != null && transport.disable(id);
    }
}
