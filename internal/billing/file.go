package billing

import "regexp"

// File purposes Portico accepts: the images of the account's branding.
const (
	FilePurposeBusinessLogo = "business_logo"
	FilePurposeBusinessIcon = "business_icon"
)

// MaxFileSize is the largest file Portico keeps (Stripe's limit for
// business logos and icons is 512 KB).
const MaxFileSize = 512 << 10

// File is an uploaded file (a /v1/files object). Its contents are kept
// apart, read only when served.
type File struct {
	ID       string `json:"id"`
	Created  int64  `json:"created"`
	Livemode bool   `json:"livemode"`
	Purpose  string `json:"purpose"`
	Filename string `json:"filename"`
	Size     int64  `json:"size"`
	// Type is the file's format as Stripe names it: png, jpg or gif.
	Type string `json:"type"`
}

// FileFilter narrows a file list.
type FileFilter struct {
	Purpose string
	Created Range
}

// FileStore keeps uploaded files.
type FileStore interface {
	File(id string) (*File, error)
	// FileContents returns the bytes of file id.
	FileContents(id string) ([]byte, error)
	InsertFile(f *File, contents []byte) error
	ListFiles(f FileFilter, p Page) (List[*File], error)
}

// Branding is the account's settings.branding: icon and logo are file ids.
type Branding struct {
	Icon           string `json:"icon,omitempty"`
	Logo           string `json:"logo,omitempty"`
	PrimaryColor   string `json:"primary_color,omitempty"`
	SecondaryColor string `json:"secondary_color,omitempty"`
}

// Account is the merchant's own account (GET /v1/account): its business
// profile and branding. Portico serves one account.
type Account struct {
	ID           string   `json:"id"`
	BusinessName string   `json:"business_name,omitempty"`
	SupportEmail string   `json:"support_email,omitempty"`
	URL          string   `json:"url,omitempty"`
	Branding     Branding `json:"branding"`
	Livemode     bool     `json:"livemode"`
}

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// ValidColor reports whether c is a CSS hex colour of the form #rrggbb,
// the only form Portico accepts (it ends up in stylesheets and PDFs).
func ValidColor(c string) bool { return hexColor.MatchString(c) }
