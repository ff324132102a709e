#!/usr/bin/Rscript
# peer_briefing.R DATADIR HISTORY.csv OUT.pdf - the ggplot2 peer for
# tests/bench/briefing (Debian's r-cran-ggplot2): the same three charts as
# peer_briefing.py (grade distribution by year, inadequate share over time,
# the 2007 counts) and the 150-row 2007 table drawn with grid, 40 rows a page,
# into one A4 PDF.
suppressPackageStartupMessages(library(ggplot2))
library(grid)
args <- commandArgs(trailingOnly = TRUE)
rows <- read.csv(file.path(args[1], "grades", "apa-2007-staying-safe.csv"))
hist <- read.csv(args[2], check.names = FALSE)
hist$year <- substr(hist[["Inspection date"]], 1, 4)
hist$grade <- hist[["Overall effectiveness"]]
shares <- as.data.frame(prop.table(table(hist$year, hist$grade), 1))
names(shares) <- c("year", "grade", "share")
inadequate <- shares[shares$grade == "Inadequate", ]
pdf(args[3], width = 8.27, height = 11.69)
print(ggplot(shares, aes(x = year, y = 100 * share, fill = grade)) + geom_col() + coord_flip() +
      labs(title = "Children's services inspection outcomes", y = "%"))
print(ggplot(inadequate, aes(x = year, y = 100 * share, group = 1)) + geom_line() + geom_point())
print(ggplot(rows, aes(x = grade)) + geom_bar())
per <- 40
for (first in seq(1, nrow(rows), by = per)) {
    grid.newpage()
    part <- rows[first:min(nrow(rows), first + per - 1), ]
    y <- unit(1, "npc") - unit(2, "cm")
    grid.text("Authority", x = unit(2, "cm"), y = y, just = "left", gp = gpar(fontface = "bold"))
    grid.text("Grade", x = unit(12, "cm"), y = y, just = "left", gp = gpar(fontface = "bold"))
    for (i in seq_len(nrow(part))) {
        yi <- y - unit(0.6 * i, "cm")
        grid.text(part$authority[i], x = unit(2, "cm"), y = yi, just = "left", gp = gpar(fontsize = 9))
        grid.text(part$grade[i], x = unit(12, "cm"), y = yi, just = "left", gp = gpar(fontsize = 9))
    }
}
invisible(dev.off())
