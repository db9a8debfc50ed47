package net.dtm.server.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Metatype (descriptions for Karaf's config: commands and consoles) of the two optional PIDs whose
 * only key picks the store by its service properties: {@value DeviceManagerComponent#PID} (the
 * device registry) and {@value EnrolmentServiceComponent#PID} (the enrolment keys), one definition
 * designated for both. Metatype only: the components read {@code store.target} as Declarative
 * Services' reference target.
 */
@ObjectClassDefinition(pid = {DeviceManagerComponent.PID, EnrolmentServiceComponent.PID},
        name = "DTM store filter (device registry, enrolment keys)",
        description = "Which store holds the devices (net.dtm.devices) or the enrolment keys (net.dtm.enrolment);"
                + " by default the one store that serves")
@interface StoreTargetMetatype {

    @AttributeDefinition(name = "Store filter", required = false,
            description = "LDAP filter on the store's service properties, e.g. (dtm.store.type=derby); empty: the one store that serves")
    String store_target();
}
