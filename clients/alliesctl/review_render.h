// How alliesctl shows a network review (allies.v1.NetworkReview): as text tables, as CSV (one
// row per figure, a column for the whole subtree and one per drill-down entry), and as one
// self-contained HTML page (tables per section, SVG bar charts of hours by month and partners
// by kind, the drill-down by child library, the regional form's lines, the queries behind the
// figures) that opens in a browser with no network.
#ifndef ALLIES_CLIENTS_ALLIESCTL_REVIEW_RENDER_H_
#define ALLIES_CLIENTS_ALLIESCTL_REVIEW_RENDER_H_

#include <string>

#include "allies/v1/report.pb.h"

namespace allies::ctl {

// A figure's value as text: "12", "150000.50 RUB", "12.5%"; "—" when it has none.
std::string FigureValue(const v1::Figure& figure);

// The review as text: its figures by section, the libraries' headline figures, the template
// lines; the tables fit `table_width` (0: no limit; see RenderTable).
std::string ReviewTable(const v1::NetworkReview& review, size_t table_width = 0);
std::string ReviewCsv(const v1::NetworkReview& review);
// `title`: the page's heading ("Годовой отчёт 2026 (утверждён)").
std::string ReviewHtml(const v1::NetworkReview& review, const std::string& title);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_REVIEW_RENDER_H_
