package net.dtm.server.internal;

import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.Health;
import net.dtm.api.HealthService;
import net.dtm.api.TunnelServerService;

/**
 * The server's {@link HealthService} ({@link ServerHealth}), registered whenever the server bundle
 * runs, so that a node whose server cannot start (no store selected, say) reports why instead of
 * nothing.
 */
@Component(service = HealthService.class)
public class ServerHealthComponent implements HealthService {

    @Reference(service = TunnelServerService.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(component.name=net.dtm.server.internal.ServerComponent)")
    private volatile TunnelServerService server;

    @Reference(service = AddressPoolAdminService.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile AddressPoolAdminService pools;

    @Override
    public Health health() {
        boolean poolManager = pools != null;
        return server instanceof ServerComponent s ? s.node().health(poolManager)
                : ServerHealth.of(Optional.empty(), poolManager);
    }
}
