package net.dtm.dashboard.osgi;

import org.osgi.service.component.annotations.Component;

import net.dtm.api.http.HttpEndpoint;
import net.dtm.api.http.HttpRequest;
import net.dtm.api.http.HttpResponse;

/**
 * Publishes {@code /}: sends the browser to the dashboard; any other path no endpoint claims gets a
 * 404 problem that says where the dashboard is.
 */
@Component(service = HttpEndpoint.class, property = {
        HttpEndpoint.PATH + "=/",
        HttpEndpoint.ACCESS + "=" + HttpEndpoint.ACCESS_PUBLIC })
public final class RootComponent implements HttpEndpoint {

    @Override
    public HttpResponse handle(HttpRequest request) {
        return DashboardComponent.ENDPOINT.handle(request);
    }
}
