package stripewire

import "github.com/porticohq/portico/internal/billing"

type packageDimensionsJSON struct {
	Height float64 `json:"height"`
	Length float64 `json:"length"`
	Weight float64 `json:"weight"`
	Width  float64 `json:"width"`
}

type marketingFeatureJSON struct {
	Name string `json:"name"`
}

type productJSON struct {
	ID                  string                 `json:"id"`
	Object              string                 `json:"object"`
	Active              bool                   `json:"active"`
	Created             int64                  `json:"created"`
	DefaultPrice        Ref                    `json:"default_price"`
	Description         *string                `json:"description"`
	Images              []string               `json:"images"`
	Livemode            bool                   `json:"livemode"`
	MarketingFeatures   []marketingFeatureJSON `json:"marketing_features"`
	Metadata            billing.Metadata       `json:"metadata"`
	Name                string                 `json:"name"`
	PackageDimensions   *packageDimensionsJSON `json:"package_dimensions"`
	Shippable           *bool                  `json:"shippable"`
	StatementDescriptor *string                `json:"statement_descriptor"`
	TaxCode             *string                `json:"tax_code"`
	Type                string                 `json:"type"`
	UnitLabel           *string                `json:"unit_label"`
	Updated             int64                  `json:"updated"`
	URL                 *string                `json:"url"`
}

// product renders a Product; default_price expands to its Price.
func (r *Renderer) product(p *billing.Product, e Expand) (any, error) {
	out := productJSON{
		ID: p.ID, Object: "product", Active: p.Active, Created: p.Created, Description: ns(p.Description),
		Images: strs(p.Images), Livemode: p.Livemode, MarketingFeatures: []marketingFeatureJSON{},
		Metadata: metadata(p.Metadata), Name: p.Name, Shippable: p.Shippable,
		StatementDescriptor: ns(p.StatementDescriptor), TaxCode: ns(p.TaxCode), Type: p.Type,
		UnitLabel: ns(p.UnitLabel), Updated: p.Updated, URL: ns(p.URL),
	}
	for _, f := range p.MarketingFeatures {
		out.MarketingFeatures = append(out.MarketingFeatures, marketingFeatureJSON{Name: f.Name})
	}
	if d := p.PackageDimensions; d != nil {
		out.PackageDimensions = &packageDimensionsJSON{Height: d.Height, Length: d.Length, Weight: d.Weight, Width: d.Width}
	}
	var err error
	if out.DefaultPrice, err = r.Ref("price", p.DefaultPrice, e, "default_price"); err != nil {
		return nil, err
	}
	return out, nil
}
