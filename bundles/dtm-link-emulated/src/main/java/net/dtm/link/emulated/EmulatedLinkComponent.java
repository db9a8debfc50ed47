package net.dtm.link.emulated;

import java.util.Locale;
import java.util.Map;

import org.osgi.service.component.ComponentFactory;
import org.osgi.service.component.ComponentInstance;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkServiceProperties;

/**
 * One emulated link per factory configuration {@code net.dtm.link.emulated} (e.g.
 * {@code etc/net.dtm.link.emulated-5g.cfg}): checks the configuration and has Declarative Services
 * publish the link ({@link EmulatedLinkService}) with the configuration's properties plus
 * {@code dtm.link.id} and {@code dtm.link.kind}, which DS cannot derive from a configuration itself.
 */
@Component(configurationPid = EmulatedLinkComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = EmulatedLinkComponent.Config.class, factory = true)
public class EmulatedLinkComponent {

    /** Factory configuration PID. */
    public static final String PID = "net.dtm.link.emulated";

    /** Configuration of one emulated link. */
    @ObjectClassDefinition(name = "DTM emulated link", description = "A WAN link emulated over local UDP: delay, jitter, loss.")
    public @interface Config {
        @AttributeDefinition(name = "Link id", description = "Unique on the device, e.g. 5g")
        String link_id();

        @AttributeDefinition(name = "Kind", description = "5g, lte, satellite, ethernet, wifi or emulated")
        String kind() default "emulated";

        @AttributeDefinition(name = "Round trip (ms)", description = "Added round trip; each direction is delayed by half")
        double rtt_ms() default 0;

        @AttributeDefinition(name = "Jitter (ms)", description = "Uniform variation of each one-way delay, either way")
        double jitter_ms() default 0;

        @AttributeDefinition(name = "Loss (%)", description = "Drop probability, applied to each direction independently (loss.model independent)")
        double loss_percent() default 0;

        @AttributeDefinition(name = "Loss model", description = "independent (loss.percent) or gilbert-elliott (bursty, ge.* properties)")
        String loss_model() default "independent";

        @AttributeDefinition(name = "GE p(good->bad)", description = "Gilbert-Elliott: probability 0..1 of entering the bad state after a datagram")
        double ge_p_good_bad() default 0;

        @AttributeDefinition(name = "GE p(bad->good)", description = "Gilbert-Elliott: probability 0..1 of leaving the bad state after a datagram (1 / mean burst length)")
        double ge_p_bad_good() default 1;

        @AttributeDefinition(name = "GE loss in good", description = "Gilbert-Elliott: loss probability 0..1 in the good state")
        double ge_loss_good() default 0;

        @AttributeDefinition(name = "GE loss in bad", description = "Gilbert-Elliott: loss probability 0..1 in the bad state")
        double ge_loss_bad() default 1;

        @AttributeDefinition(name = "Outage period (ms)", description = "Time between the starts of two scheduled outages; 0 = none")
        long outage_period_ms() default 0;

        @AttributeDefinition(name = "Outage duration (ms)", description = "Length of each scheduled outage (link DOWN, everything dropped)")
        long outage_duration_ms() default 0;

        @AttributeDefinition(name = "Seed", description = "Seed for repeatable runs; 0 = random")
        long seed() default 0;

        @AttributeDefinition(name = "Bind host", description = "Local address of the link's UDP socket")
        String bind_host() default "127.0.0.1";
    }

    private final ComponentInstance<EmulatedLinkService> link;

    @Activate
    public EmulatedLinkComponent(Config config, Map<String, Object> properties,
            @Reference(name = "links", target = "(component.factory=" + EmulatedLinkService.FACTORY + ")")
            ComponentFactory<EmulatedLinkService> links) {
        EmulatedLinkSettings settings = settings(config);
        this.link = links.newInstance(LinkServiceProperties.of(properties, settings.id(), settings.kind().label()));
    }

    /** Turns the configuration into settings; fails clearly on a missing id or unknown kind. */
    static EmulatedLinkSettings settings(Config config) {
        String id = config.link_id() == null ? "" : config.link_id().trim();
        if (id.isEmpty()) {
            throw new IllegalArgumentException("configuration " + PID + " needs link.id");
        }
        String model = config.loss_model() == null ? "" : config.loss_model().trim().toLowerCase(Locale.ROOT);
        GilbertElliott.Params bursts = switch (model) {
            case "", "independent" -> null;
            case "gilbert-elliott", "ge" -> new GilbertElliott.Params(config.ge_p_good_bad(), config.ge_p_bad_good(),
                    config.ge_loss_good(), config.ge_loss_bad());
            default -> throw new IllegalArgumentException("configuration " + PID + " link.id=" + id + ": unknown loss.model '"
                    + config.loss_model() + "', expected independent or gilbert-elliott");
        };
        return new EmulatedLinkSettings(id, LinkKind.parse(config.kind()), config.rtt_ms(), config.jitter_ms(),
                config.loss_percent(), config.seed(), config.bind_host(), bursts,
                new OutageSchedule(config.outage_period_ms(), config.outage_duration_ms()));
    }

    /** Withdraws the service and closes the link. */
    @Deactivate
    void deactivate() {
        link.dispose();
    }
}
