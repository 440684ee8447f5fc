/* placeholder until the PDF writer lands */
#include "gw_impl.h"

kh_status kh_pdf_write(const kh_gw *g, kh_buf *out, kh_err *e)
{
    (void)g;
    (void)out;
    return kh_err_fail(e, KH_EINVAL, "PDF output is not available yet");
}
