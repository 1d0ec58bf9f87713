package dev.jmesh.it.app;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The frameworks Java services call HTTP through, each with its defaults, on whatever client
 * library it finds: Spring's {@code RestTemplate} ({@code HttpURLConnection}) and
 * {@code RestClient.create()} (Apache HttpClient 5 when present), OpenFeign's default client
 * ({@code HttpURLConnection}), Retrofit (OkHttp). Each in a class of its own, loaded only when
 * it is the one used. Statuses are answers, never exceptions.
 */
final class FrameworkCalls {

    private FrameworkCalls() {}

    static final class SpringRestTemplate {

        private static final org.springframework.web.client.RestTemplate TEMPLATE = template();

        private static org.springframework.web.client.RestTemplate template() {
            org.springframework.web.client.RestTemplate template = new org.springframework.web.client.RestTemplate();
            template.setErrorHandler(new org.springframework.web.client.DefaultResponseErrorHandler() {
                @Override
                public boolean hasError(org.springframework.http.HttpStatusCode status) {
                    return false;
                }
            });
            return template;
        }

        static String[] call(String url, String method) {
            org.springframework.http.ResponseEntity<String> response = TEMPLATE.exchange(URI.create(url),
                    org.springframework.http.HttpMethod.valueOf(method),
                    "POST".equals(method) ? new org.springframework.http.HttpEntity<>("order") : null, String.class);
            return new String[] {Integer.toString(response.getStatusCode().value()),
                    response.getBody() == null ? "" : response.getBody()};
        }
    }

    static final class SpringRestClient {

        private static final org.springframework.web.client.RestClient CLIENT =
                org.springframework.web.client.RestClient.create();

        static String[] call(String url, String method) {
            org.springframework.web.client.RestClient.RequestBodySpec request =
                    CLIENT.method(org.springframework.http.HttpMethod.valueOf(method)).uri(URI.create(url));
            if ("POST".equals(method)) {
                request.body("order");
            }
            return request.exchange((sent, response) -> new String[] {
                Integer.toString(response.getStatusCode().value()),
                new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8)});
        }
    }

    static final class OpenFeign {

        interface Api {
            @feign.RequestLine("GET")
            feign.Response get(URI uri);

            @feign.RequestLine("POST")
            feign.Response post(URI uri, String body);
        }

        /** Without Feign's own retryer: under a mesh, the mesh's retry policy is the one in force. */
        private static final Api API = feign.Feign.builder().retryer(feign.Retryer.NEVER_RETRY)
                .target(feign.Target.EmptyTarget.create(Api.class));

        static String[] call(String url, String method) throws Exception {
            try (feign.Response response = "POST".equals(method) ? API.post(URI.create(url), "order")
                    : API.get(URI.create(url))) {
                return new String[] {Integer.toString(response.status()), response.body() == null ? ""
                        : new String(response.body().asInputStream().readAllBytes(), StandardCharsets.UTF_8)};
            }
        }
    }

    static final class Retrofit {

        interface Api {
            @retrofit2.http.GET
            retrofit2.Call<String> get(@retrofit2.http.Url String url);

            @retrofit2.http.POST
            retrofit2.Call<String> post(@retrofit2.http.Url String url, @retrofit2.http.Body String body);
        }

        private static final Api API = new retrofit2.Retrofit.Builder().baseUrl("http://localhost/")
                .addConverterFactory(retrofit2.converter.scalars.ScalarsConverterFactory.create())
                .build().create(Api.class);

        static String[] call(String url, String method) throws Exception {
            retrofit2.Response<String> response = ("POST".equals(method) ? API.post(url, "order") : API.get(url)).execute();
            String body = response.isSuccessful() ? response.body() : response.errorBody().string();
            return new String[] {Integer.toString(response.code()), body == null ? "" : body};
        }
    }
}
