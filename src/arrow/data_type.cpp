#include "salescomp/arrow/data_type.hpp"

#include <charconv>

namespace salescomp::arrow {

namespace {

int parse_int(std::string_view text) {
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

DataType decimal_type(std::string_view format) {
  // "d:P,S" or "d:P,S,BITS"
  DataType t;
  const std::string_view body = format.substr(2);
  const auto comma = body.find(',');
  t.precision = parse_int(body.substr(0, comma));
  std::string_view rest = comma == std::string_view::npos ? std::string_view{} : body.substr(comma + 1);
  const auto comma2 = rest.find(',');
  t.scale = parse_int(rest.substr(0, comma2));
  const int bits = comma2 == std::string_view::npos ? 128 : parse_int(rest.substr(comma2 + 1));
  t.id = bits == 32    ? TypeId::Decimal32
         : bits == 64  ? TypeId::Decimal64
         : bits == 256 ? TypeId::Decimal256
                       : TypeId::Decimal128;
  return t;
}

DataType timestamp_type(std::string_view format) {
  // "tsu:Europe/Paris"
  DataType t;
  t.id = TypeId::Timestamp;
  switch (format.size() > 2 ? format[2] : 'u') {
    case 's':
      t.unit = TimeUnit::Second;
      break;
    case 'm':
      t.unit = TimeUnit::Milli;
      break;
    case 'n':
      t.unit = TimeUnit::Nano;
      break;
    default:
      t.unit = TimeUnit::Micro;
  }
  if (format.size() > 4) t.timezone = std::string(format.substr(4));
  return t;
}

TypeId simple_type(std::string_view f) {
  if (f.size() == 1) {
    switch (f[0]) {
      case 'n':
        return TypeId::Null;
      case 'b':
        return TypeId::Bool;
      case 'c':
        return TypeId::Int8;
      case 'C':
        return TypeId::UInt8;
      case 's':
        return TypeId::Int16;
      case 'S':
        return TypeId::UInt16;
      case 'i':
        return TypeId::Int32;
      case 'I':
        return TypeId::UInt32;
      case 'l':
        return TypeId::Int64;
      case 'L':
        return TypeId::UInt64;
      case 'e':
        return TypeId::Float16;
      case 'f':
        return TypeId::Float32;
      case 'g':
        return TypeId::Float64;
      case 'u':
        return TypeId::Utf8;
      case 'U':
        return TypeId::LargeUtf8;
      case 'z':
      case 'Z':
        return TypeId::Binary;
    }
  }
  if (f == "vu") return TypeId::Utf8View;
  if (f == "tdD") return TypeId::Date32;
  if (f == "tdm") return TypeId::Date64;
  if (f == "+l") return TypeId::List;
  if (f == "+L") return TypeId::LargeList;
  if (f == "+s") return TypeId::Struct;
  return TypeId::Other;
}

const char* type_name(TypeId id) {
  switch (id) {
    case TypeId::Null:
      return "null";
    case TypeId::Bool:
      return "bool";
    case TypeId::Int8:
      return "int8";
    case TypeId::UInt8:
      return "uint8";
    case TypeId::Int16:
      return "int16";
    case TypeId::UInt16:
      return "uint16";
    case TypeId::Int32:
      return "int32";
    case TypeId::UInt32:
      return "uint32";
    case TypeId::Int64:
      return "int64";
    case TypeId::UInt64:
      return "uint64";
    case TypeId::Float16:
      return "float16";
    case TypeId::Float32:
      return "float32";
    case TypeId::Float64:
      return "float64";
    case TypeId::Utf8:
      return "utf8";
    case TypeId::LargeUtf8:
      return "large_utf8";
    case TypeId::Utf8View:
      return "string_view";
    case TypeId::Binary:
      return "binary";
    case TypeId::Date32:
      return "date32";
    case TypeId::Date64:
      return "date64";
    case TypeId::List:
      return "list";
    case TypeId::LargeList:
      return "large_list";
    case TypeId::Struct:
      return "struct";
    default:
      return nullptr;
  }
}

}  // namespace

DataType parse_format(std::string_view format) {
  DataType t;
  if (format.size() > 2 && format.substr(0, 2) == "d:")
    t = decimal_type(format);
  else if (format.size() >= 3 && format.substr(0, 2) == "ts")
    t = timestamp_type(format);
  else
    t.id = simple_type(format);
  t.format = std::string(format);
  return t;
}

std::string DataType::describe() const {
  if (dictionary) {
    DataType index = *this;
    index.dictionary = false;
    return "dictionary<" + index.describe() + ", " + (value ? value->describe() : "?") + ">";
  }
  if (is_decimal()) {
    const char* bits = id == TypeId::Decimal32    ? "decimal32"
                       : id == TypeId::Decimal64  ? "decimal64"
                       : id == TypeId::Decimal256 ? "decimal256"
                                                  : "decimal128";
    return std::string(bits) + "(" + std::to_string(precision) + ", " + std::to_string(scale) + ")";
  }
  if (id == TypeId::Timestamp) {
    static const char* units[] = {"s", "ms", "us", "ns"};
    return "timestamp[" + std::string(units[int(unit)]) + (timezone.empty() ? "" : ", tz=" + timezone) + "]";
  }
  if (is_list()) return std::string(type_name(id)) + "<" + (value ? value->describe() : "?") + ">";
  if (const char* name = type_name(id)) return name;
  return "arrow type '" + format + "'";
}

}  // namespace salescomp::arrow
