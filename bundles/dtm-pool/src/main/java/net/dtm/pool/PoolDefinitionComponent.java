package net.dtm.pool;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DtmException;
import net.dtm.api.Pool;

/**
 * One pool defined by a factory configuration {@value PoolDefinitions#FACTORY_PID} (e.g. a file
 * {@code etc/net.dtm.pool.define-fleet.cfg}): created or updated when the configuration appears or
 * changes. A malformed or overlapping definition is logged as an error and changes nothing.
 * Deleting the configuration keeps the pool and its leases (nothing is lost by removing a file);
 * {@code pool:delete} deletes a pool.
 */
@Component(configurationPid = PoolDefinitions.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class PoolDefinitionComponent {

    private static final Logger LOG = LoggerFactory.getLogger(PoolDefinitionComponent.class);

    private final AddressPoolAdminService admin;

    @Activate
    public PoolDefinitionComponent(@Reference AddressPoolAdminService admin, Map<String, Object> props) {
        this.admin = admin;
        apply(props);
    }

    @Modified
    void modified(Map<String, Object> props) {
        apply(props);
    }

    private void apply(Map<String, Object> props) {
        Object pid = props.getOrDefault("service.pid", PoolDefinitions.FACTORY_PID);
        try {
            Pool pool = PoolDefinitions.parse(props);
            PoolDefinitions.Outcome outcome = PoolDefinitions.apply(admin, pool);
            LOG.info("pool definition {}: pool {} {}", pid, pool.name(), outcome.name().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException | DtmException e) {
            LOG.error("pool definition {} rejected, nothing changed: {}", pid, e.getMessage());
        }
    }
}
