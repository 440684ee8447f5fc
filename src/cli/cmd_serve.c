/*
 * cmd_serve.c - `kaohe serve`: the web application for the propaganda
 * department, inspectors, units and the discipline committee, on the
 * store (the HTTP side is src/web/web_http.c and the other src/web/web_*.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "web.h"

static void serve_help(void)
{
    printf(
        _("Usage: kaohe serve [--db FILE|URI] [--data-dir DIR]\n"
        "                   [--listen ADDR:PORT] [--behind-tls-proxy]\n"
        "                   [--access-log] [--session-idle SECONDS]\n"
        "\n"
        "Serves the assessment over HTTP: pages in Chinese for admins,\n"
        "inspectors, units and auditors, and the JSON API under /api/v1.\n"
        "Users are added with 'kaohe user add'.  Stops cleanly on SIGTERM\n"
        "or SIGINT (Ctrl-C).\n"
        "\n"
        "Options:\n"
        "      --db FILE           the store (default: $KAOHE_DB, else\n"
        "                          ./kaohe.db), or a postgresql:// URI\n"
        "      --data-dir DIR      evidence files (default: $KAOHE_DATA_DIR,\n"
        "                          else FILE.data); with PostgreSQL a\n"
        "                          directory every instance shares\n"
        "      --listen ADDR:PORT  where to listen (default 127.0.0.1:8080;\n"
        "                          port 0 picks a free one, printed at start)\n"
        "      --behind-tls-proxy  served over HTTPS by a reverse proxy: the\n"
        "                          session cookie is __Host- and Secure\n"
        "      --access-log        one line per request on stdout (time,\n"
        "                          request id, address, user, request,\n"
        "                          status); failures always go to stderr\n"
        "      --session-idle SECONDS  a login ends after this long without\n"
        "                          a request (default 1800, at least 10)\n"
        "  -h, --help              show this help\n"));
}

/* `kaohe serve --dump-routes` (not in the help: for the tests): one
 * line a route of the table, "METHODS PATTERN ROLES ACTION BODY SCOPE",
 * so that the route matrix test walks every route and fails on a route
 * without a policy rule. */
static int dump_routes(void)
{
    static const char *const roles[] = {"anon", "admin", "inspector",
                                        "unit", "auditor", "department"};
    for (size_t i = 0; i < web_route_count(); i++) {
        const web_route *rt = web_route_at(i);
        printf("%s%s%s %s ", rt->methods & WEB_GET ? "G" : "",
               rt->methods & WEB_POST ? "P" : "",
               rt->methods & WEB_PUT ? "U" : "", rt->pattern);
        const char *sep = "";
        for (unsigned b = 0; b < sizeof roles / sizeof *roles; b++)
            if (rt->roles & (1u << b)) {
                printf("%s%s", sep, roles[b]);
                sep = ",";
            }
        printf(" %s %zu %s\n", web_action_name(rt->action), rt->body_limit,
               rt->scope == WEB_SCOPE_YEAR ? "year" : "-");
    }
    return fflush(stdout) == 0 ? KH_EXIT_OK : KH_EXIT_FAILURE;
}

int kh_cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"data-dir", required_argument, NULL, 'D'},
        {"listen", required_argument, NULL, 'l'},
        {"behind-tls-proxy", no_argument, NULL, 't'},
        {"access-log", no_argument, NULL, 'a'},
        {"dump-routes", no_argument, NULL, 'R'},
        {"session-idle", required_argument, NULL, 'i'},
        {"threads", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *db = NULL, *data_dir = NULL;
    const char *listen = "127.0.0.1:8080";
    bool tls = false, access_log = false;
    long long idle = WEB_SESSION_IDLE;
    long long threads = 0;
    char *end = NULL;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'D': data_dir = optarg; break;
        case 'l': listen = optarg; break;
        case 't': tls = true; break;
        case 'a': access_log = true; break;
        case 'i':
            idle = strtoll(optarg, &end, 10);
            if (!*optarg || *end || idle < WEB_SESSION_IDLE_MIN ||
                idle > WEB_SESSION_ABSOLUTE)
                return kh_cli_usage_error("serve", "--session-idle wants "
                                          "seconds from %d to %d, not '%s'",
                                          WEB_SESSION_IDLE_MIN,
                                          WEB_SESSION_ABSOLUTE, optarg);
            break;
        case 'T':   /* not in the help: the login flood test's pool */
            threads = strtoll(optarg, &end, 10);
            if (!*optarg || *end || threads < 1 || threads > WEB_THREADS_MAX)
                return kh_cli_usage_error("serve", "--threads wants 1 to %d, "
                                          "not '%s'", WEB_THREADS_MAX,
                                          optarg);
            break;
        case 'R': return dump_routes();
        case 'h': serve_help(); return KH_EXIT_OK;
        default:
            return kh_cli_usage_error("serve", "unknown or incomplete option "
                                      "'%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return kh_cli_usage_error("serve", "unexpected argument '%s'",
                                  argv[optind]);
    kh_cli_env env;
    int x = kh_cli_env_get(&env);
    if (x != KH_EXIT_OK)
        return x;
    if (!db)
        db = env.db;
    if (!data_dir)
        data_dir = env.data_dir;

    /* Open once here so a wrong path, a non-store or a damaged store fails
     * at start, not at the first request. */
    kh_err *e = kh_err_new();
    kh_store *probe = NULL;
    if (!e)
        return KH_EXIT_FAILURE;
    kh_status st = kh_store_open(db, 0, e, &probe);
    /* A damaged store is refused at start rather than written to.  The
     * check reads every page: with the open's 32 MiB page cache they
     * would all stay cached (the server's resident peak at start). */
    if (st == KH_OK &&
        ((st = kh_store_set_cache_kib(probe, WEB_STORE_CACHE_KIB, e)) !=
             KH_OK ||
         (st = kh_store_quick_check(probe, e)) != KH_OK))
        kh_store_close(probe);
    if (st != KH_OK) {
        kh_cli_print_errors(e);
        kh_err_free(e);
        return kh_cli_exit(st);
    }
    kh_store_close(probe);
    kh_err_free(e);

    kh_web app;
    memset(&app, 0, sizeof app);
    app.db_path = strdup(db);
    app.data_dir = data_dir && *data_dir ? strdup(data_dir) : NULL;
    app.secure_cookie = tls;
    app.access_log = access_log;
    app.fixed_now = env.now;
    app.session_idle = idle;
    app.threads = (unsigned)threads;
    app.sessions = web_sessions_new(WEB_SESSIONS_MAX);
    if (!app.db_path || (data_dir && *data_dir && !app.data_dir) ||
        !app.sessions ||
        pthread_key_create(&app.store_key, NULL) != 0) {
        fprintf(stderr, _("kaohe serve: out of memory\n"));
        free(app.db_path);
        free(app.data_dir);
        web_sessions_free(app.sessions);
        return KH_EXIT_FAILURE;
    }
    pthread_mutex_init(&app.stores_mu, NULL);
    pthread_mutex_init(&app.cache_mu, NULL);
    pthread_mutex_init(&app.inflight_mu, NULL);

    int rc = web_run(&app, listen);

    /* The daemon has stopped: no thread uses a connection any more. */
    for (size_t i = 0; i < app.nstores; i++)
        kh_store_close(app.stores[i]);
    free(app.stores);
    web_cache_free(&app);
    web_sessions_free(app.sessions);
    pthread_key_delete(app.store_key);
    pthread_mutex_destroy(&app.stores_mu);
    pthread_mutex_destroy(&app.cache_mu);
    pthread_mutex_destroy(&app.inflight_mu);
    free(app.db_path);
    free(app.data_dir);
    return rc;
}
