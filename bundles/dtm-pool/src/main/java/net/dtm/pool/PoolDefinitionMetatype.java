package net.dtm.pool;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Metatype of the pool definitions, factory PID {@value PoolDefinitions#FACTORY_PID} (one
 * {@code etc/net.dtm.pool.define-<name>.cfg} per pool): descriptions for Karaf's config: commands
 * and consoles. Metatype only: {@link PoolDefinitions#parse} reads the keys.
 */
@ObjectClassDefinition(factoryPid = PoolDefinitions.FACTORY_PID, name = "DTM pool definition",
        description = "One address pool, created or updated when this configuration appears or changes; deleting it keeps the pool")
@interface PoolDefinitionMetatype {

    @AttributeDefinition(name = "Name", description = "The pool's name")
    String name();

    @AttributeDefinition(name = "Prefix", description = "The pool's prefix, e.g. 10.80.0.0/16 or 2001:db8:80::/48; fixed once the pool exists")
    String prefix();

    @AttributeDefinition(name = "Lease seconds", min = "1", description = "Lease time handed to devices")
    int lease_seconds() default PoolDefinitions.DEFAULT_LEASE_SECONDS;

    @AttributeDefinition(name = "Excluded", required = false,
            description = "Comma list of addresses or ranges never handed out, e.g. 10.80.0.0/24, 10.80.255.200-10.80.255.254")
    String[] exclude();

    @AttributeDefinition(name = "Devices", required = false,
            description = "Comma list of device id patterns this pool serves (* wildcards); empty: any device")
    String[] devices();

    @AttributeDefinition(name = "Tunnel types", required = false,
            description = "Comma list of encapsulations this pool serves: vxlan, gre, ipip, wireguard; empty: any")
    String[] tunnel_types();

    @AttributeDefinition(name = "Delegated length", required = false,
            description = "IPv6 prefix delegation: the prefix length handed to each device; empty: single addresses")
    int delegated_length();
}
