package net.dtm.dashboard.osgi;

import org.osgi.service.component.annotations.Component;

import net.dtm.api.http.HttpEndpoint;
import net.dtm.api.http.HttpRequest;
import net.dtm.api.http.HttpResponse;
import net.dtm.dashboard.DashboardEndpoint;
import net.dtm.dashboard.StaticFiles;

/** Publishes the dashboard's files at {@code /dashboard} for everyone: they hold no data. */
@Component(service = HttpEndpoint.class, property = {
        HttpEndpoint.PATH + "=" + DashboardEndpoint.BASE,
        HttpEndpoint.ACCESS + "=" + HttpEndpoint.ACCESS_PUBLIC })
public final class DashboardComponent implements HttpEndpoint {

    /** Shared with {@link RootComponent}: the files of this bundle, read once. */
    static final DashboardEndpoint ENDPOINT = new DashboardEndpoint(
            StaticFiles.of("dashboard", DashboardComponent.class.getClassLoader()));

    @Override
    public HttpResponse handle(HttpRequest request) {
        return ENDPOINT.handle(request);
    }
}
