// Command envoy-check validates Envoy bootstrap configurations (JSON) with the
// protos of the Envoy release the library deploys, as Envoy itself would before
// starting:
//
//   - strict protojson parsing into envoy.config.bootstrap.v3.Bootstrap: unknown
//     fields, unknown enum names and wrongly typed values are errors, and every
//     google.protobuf.Any must name a type registered here (the extension
//     packages are blank-imported in extensions.go);
//   - protoc-gen-validate rules (ValidateAll) on the bootstrap and on every
//     message packed in an Any, at any depth (the generated validators stop at
//     an Any);
//   - no deprecated field or enum value set anywhere.
//
// Usage: envoy-check FILE... ("-" reads stdin). Prints one line per problem and
// exits 1 when there is any, 2 on usage errors, 0 otherwise.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/anypb"
)

// validatorAll is what protoc-gen-validate generates on every message.
type validatorAll interface {
	ValidateAll() error
}

// multiError is what a generated ValidateAll returns when it finds several problems.
type multiError interface {
	AllErrors() []error
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: envoy-check FILE... (\"-\" for stdin)")
		os.Exit(2)
	}
	failed := false
	for _, file := range os.Args[1:] {
		problems, err := checkFile(file)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			os.Exit(2)
		}
		for _, p := range problems {
			fmt.Printf("%s: %s\n", file, p)
		}
		if len(problems) > 0 {
			failed = true
		} else {
			fmt.Printf("%s: ok\n", file)
		}
	}
	if failed {
		os.Exit(1)
	}
}

func checkFile(file string) ([]string, error) {
	var data []byte
	var err error
	if file == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return nil, err
	}
	return check(data), nil
}

// check returns the problems of one bootstrap document.
func check(data []byte) []string {
	bootstrap := &bootstrapv3.Bootstrap{}
	// DiscardUnknown false: an unknown field anywhere, including inside an Any, is an error.
	if err := (protojson.UnmarshalOptions{DiscardUnknown: false}).Unmarshal(data, bootstrap); err != nil {
		msg := err.Error()
		if strings.Contains(msg, "unable to resolve") {
			msg += " (a type Envoy does not know, or an extension package not blank-imported in extensions.go)"
		}
		return []string{"parse: " + msg}
	}
	c := &checker{}
	c.validate("", bootstrap)
	c.walk("", bootstrap.ProtoReflect())
	return c.problems
}

type checker struct {
	problems []string
}

func (c *checker) addf(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// validate runs the message's protoc-gen-validate rules (all of them, not only the first failure).
func (c *checker) validate(path string, m proto.Message) {
	v, ok := m.(validatorAll)
	if !ok {
		// Well-known types (Struct, Duration, wrappers) carry no rules.
		return
	}
	err := v.ValidateAll()
	if err == nil {
		return
	}
	var errs []error
	var multi multiError
	if errors.As(err, &multi) {
		errs = multi.AllErrors()
	} else {
		errs = []error{err}
	}
	where := path
	if where == "" {
		where = "(root)"
	}
	for _, e := range errs {
		c.addf("validate %s [%s]: %v", where, m.ProtoReflect().Descriptor().FullName(), e)
	}
}

// walk visits every set field of m: it reports deprecated fields and enum values,
// and unpacks each Any to validate and walk the message inside.
func (c *checker) walk(path string, m protoreflect.Message) {
	if m.Descriptor().FullName() == "google.protobuf.Any" {
		c.walkAny(path, m)
		return
	}
	type entry struct {
		fd protoreflect.FieldDescriptor
		v  protoreflect.Value
	}
	var fields []entry
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		fields = append(fields, entry{fd, v})
		return true
	})
	// Deterministic output.
	sort.Slice(fields, func(i, j int) bool { return fields[i].fd.Number() < fields[j].fd.Number() })
	for _, f := range fields {
		fp := join(path, string(f.fd.Name()))
		if opts, ok := f.fd.Options().(*descriptorpb.FieldOptions); ok && opts.GetDeprecated() {
			c.addf("deprecated field %s [%s]", fp, f.fd.FullName())
		}
		switch {
		case f.fd.IsList():
			list := f.v.List()
			for i := 0; i < list.Len(); i++ {
				c.value(fmt.Sprintf("%s[%d]", fp, i), f.fd, list.Get(i))
			}
		case f.fd.IsMap():
			var keys []string
			values := map[string]protoreflect.Value{}
			f.v.Map().Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
				keys = append(keys, k.String())
				values[k.String()] = v
				return true
			})
			sort.Strings(keys)
			for _, k := range keys {
				c.value(fmt.Sprintf("%s[%q]", fp, k), f.fd.MapValue(), values[k])
			}
		default:
			c.value(fp, f.fd, f.v)
		}
	}
}

func (c *checker) value(path string, fd protoreflect.FieldDescriptor, v protoreflect.Value) {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		c.walk(path, v.Message())
	case protoreflect.EnumKind:
		ev := fd.Enum().Values().ByNumber(v.Enum())
		if ev == nil {
			return
		}
		if opts, ok := ev.Options().(*descriptorpb.EnumValueOptions); ok && opts.GetDeprecated() {
			c.addf("deprecated enum value %s = %s [%s]", path, ev.Name(), ev.FullName())
		}
	}
}

// walkAny unpacks an Any (its type is registered: protojson resolved it), runs
// the packed message's own rules and walks into it.
func (c *checker) walkAny(path string, m protoreflect.Message) {
	packed, ok := m.Interface().(*anypb.Any)
	if !ok {
		c.addf("any %s: not an anypb.Any (%T)", path, m.Interface())
		return
	}
	inner, err := packed.UnmarshalNew()
	if err != nil {
		c.addf("any %s: cannot unpack %q: %v", path, packed.GetTypeUrl(), err)
		return
	}
	name := string(inner.ProtoReflect().Descriptor().FullName())
	at := fmt.Sprintf("%s<%s>", path, name)
	c.validate(at, inner)
	c.walk(at, inner.ProtoReflect())
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
