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
        "Usage: kaohe serve [--db FILE|URI] [--data-dir DIR]\n"
        "                   [--listen ADDR:PORT]\n"
        "                   [--behind-tls-proxy]\n"
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
        "  -h, --help              show this help\n");
}

int kh_cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"data-dir", required_argument, NULL, 'D'},
        {"listen", required_argument, NULL, 'l'},
        {"behind-tls-proxy", no_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *db = getenv("KAOHE_DB");
    const char *data_dir = getenv("KAOHE_DATA_DIR");
    const char *listen = "127.0.0.1:8080";
    bool tls = false;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'D': data_dir = optarg; break;
        case 'l': listen = optarg; break;
        case 't': tls = true; break;
        case 'h': serve_help(); return KH_EXIT_OK;
        default:
            return kh_cli_usage_error("serve", "unknown or incomplete option "
                                      "'%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return kh_cli_usage_error("serve", "unexpected argument '%s'",
                                  argv[optind]);
    if (!db || !*db)
        db = "kaohe.db";

    /* Open once here so a wrong path, a non-store or a damaged store fails
     * at start, not at the first request. */
    kh_err *e = kh_err_new();
    kh_store *probe = NULL;
    if (!e)
        return KH_EXIT_FAILURE;
    kh_status st = kh_store_open(db, 0, e, &probe);
    /* A damaged store is refused at start rather than written to. */
    if (st == KH_OK && (st = kh_store_quick_check(probe, e)) != KH_OK)
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
    const char *now = getenv("KAOHE_NOW");
    if (now && *now)
        app.fixed_now = strtoll(now, NULL, 10);
    app.sessions = web_sessions_new(WEB_SESSIONS_MAX);
    if (!app.db_path || (data_dir && *data_dir && !app.data_dir) ||
        !app.sessions ||
        pthread_key_create(&app.store_key, NULL) != 0) {
        fprintf(stderr, "kaohe serve: out of memory\n");
        free(app.db_path);
        free(app.data_dir);
        web_sessions_free(app.sessions);
        return KH_EXIT_FAILURE;
    }
    pthread_mutex_init(&app.stores_mu, NULL);
    pthread_mutex_init(&app.cache_mu, NULL);

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
    free(app.db_path);
    free(app.data_dir);
    return rc;
}
