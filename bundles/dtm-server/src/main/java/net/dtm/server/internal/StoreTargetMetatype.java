package net.dtm.server.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Metatype (descriptions for Karaf's config: commands and consoles) of the two optional PIDs whose
 * only key picks the store by its service properties: {@value DeviceManagerComponent#PID} (the
 * device registry) and {@value EnrolmentServiceComponent#PID} (the enrolment keys). Metatype only:
 * the components read {@code store.target} as Declarative Services' reference target.
 */
final class StoreTargetMetatype {

    private StoreTargetMetatype() {
    }

    /** PID {@value DeviceManagerComponent#PID}. */
    @ObjectClassDefinition(pid = DeviceManagerComponent.PID, name = "DTM device registry",
            description = "Which store holds the devices; by default the one store that serves")
    @interface Devices {
        @AttributeDefinition(name = "Store filter", required = false,
                description = "LDAP filter on the DeviceStore service, e.g. (dtm.store.type=derby); empty: the one store that serves")
        String store_target();
    }

    /** PID {@value EnrolmentServiceComponent#PID}. */
    @ObjectClassDefinition(pid = EnrolmentServiceComponent.PID, name = "DTM enrolment keys",
            description = "Which store holds the enrolment keys; by default the one store that serves")
    @interface Enrolment {
        @AttributeDefinition(name = "Store filter", required = false,
                description = "LDAP filter on the EnrolmentKeyStore service, e.g. (dtm.store.type=derby); empty: the one store that serves")
        String store_target();
    }
}
