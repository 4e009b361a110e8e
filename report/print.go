package report

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// paperA4 is the OOXML paper size code of A4, the paper of the reports'
// readers.
const paperA4 = 9

// setPrint lays sheet out for printing: landscape A4, scaled to one page
// wide (as many pages down as it takes), its first titleRows rows repeated
// at the top of every page. For a streamed sheet it must come before
// NewStreamWriter, which writes the sheet's properties first.
func setPrint(f *excelize.File, sheet string, titleRows int) error {
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return fmt.Errorf("sheet %s: fit to page: %w", sheet, err)
	}
	size, landscape, wide, tall := paperA4, "landscape", 1, 0 // 0: automatic
	err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &landscape,
		FitToWidth: &wide, FitToHeight: &tall})
	if err != nil {
		return fmt.Errorf("sheet %s: page layout: %w", sheet, err)
	}
	err = f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("'%s'!$1:$%d", sheet, titleRows), Scope: sheet})
	if err != nil {
		return fmt.Errorf("sheet %s: print titles: %w", sheet, err)
	}
	return nil
}
