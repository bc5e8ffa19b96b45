// salescomp._core.attribution: paths in as numpy columns, models run with the
// GIL released, results out as dicts of numpy arrays (exact integers: minor
// units and 1e-9 conversions). The Pythonic layer is salescomp/attribution.py.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <salescomp/attribution/bootstrap.hpp>
#include <salescomp/attribution/markov.hpp>
#include <salescomp/attribution/rule_attribution.hpp>
#include <salescomp/attribution/shapley.hpp>
#include <salescomp/data/journey_paths.hpp>
#include <salescomp/data/path_text.hpp>

#include "convert.hpp"

namespace salescomp::py_bindings {

namespace {

template <class T>
std::vector<T> vector_of(py::handle value, const char* name) {
  if (value.is_none()) return {};
  py::module_ np = py::module_::import("numpy");
  py::array arr = np.attr("asarray")(value);
  const char kind = arr.dtype().kind();
  if (kind != 'i' && kind != 'u' && kind != 'b')
    raise_type_error(std::string(name) + ": expected an integer array, got dtype " +
                     std::string(py::str(arr.dtype())));
  if (arr.ndim() != 1) raise_type_error(std::string(name) + ": expected a 1-d array");
  auto typed = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(arr);
  return std::vector<T>(typed.data(), typed.data() + typed.size());
}

template <class T>
py::array_t<T> array_of(const std::vector<T>& v) {
  py::array_t<T> out(py::ssize_t(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

py::dict credits_dict(const AttributionResult& r) {
  py::dict d;
  d["channel"] = array_of(r.channels.channel);
  d["position"] = array_of(r.channels.position);
  d["conversions"] = array_of(r.channels.conversions);
  d["value"] = array_of(r.channels.value);
  d["currency"] = std::string(r.channels.currency.code());
  d["total_conversions"] = r.total_conversions;
  d["total_value"] = r.total_value;
  py::dict j;
  j["row_id"] = array_of(r.journeys.row_id);
  j["channel"] = array_of(r.journeys.channel);
  j["position"] = array_of(r.journeys.position);
  j["conversions"] = array_of(r.journeys.conversions);
  j["value"] = array_of(r.journeys.value);
  d["journeys"] = j;
  return d;
}

RuleModel rule_model_from(const std::string& name) {
  static const std::pair<const char*, RuleModel> kNames[] = {
      {"first_touch", RuleModel::FirstTouch},
      {"last_touch", RuleModel::LastTouch},
      {"last_non_direct", RuleModel::LastNonDirect},
      {"linear", RuleModel::LinearPerTouch},
      {"linear_per_channel", RuleModel::LinearPerChannel},
      {"position_based", RuleModel::PositionBased},
      {"w_shaped", RuleModel::WShaped},
      {"full_path", RuleModel::FullPath},
      {"time_decay", RuleModel::TimeDecay},
      {"step_decay", RuleModel::StepDecay},
      {"custom_positions", RuleModel::CustomPositions}};
  for (const auto& [n, m] : kNames)
    if (name == n) return m;
  throw ValidationError("SC-ATTR-MODEL",
                        Issue{std::nullopt, "model", name,
                              "unknown rule model; expected first_touch, last_touch, last_non_direct, "
                              "linear, linear_per_channel, position_based, w_shaped, full_path, "
                              "time_decay, step_decay or custom_positions"});
}

std::vector<Rate> rates_of(const py::object& seq, const char* what) {
  std::vector<Rate> out;
  if (seq.is_none()) return out;
  for (py::handle h : seq) out.push_back(to_rate(h, std::nullopt, what));
  return out;
}

ShapleyGameOptions game_options(const std::string& game, const std::string& method, int max_players,
                                int64_t permutations, uint64_t seed) {
  ShapleyGameOptions o;
  if (game == "conversion_rate")
    o.game = ShapleyGame::ConversionRate;
  else if (game == "conversions")
    o.game = ShapleyGame::Conversions;
  else
    throw ValidationError("SC-ATTR-OPTION",
                          Issue{std::nullopt, "game", game, "expected conversion_rate or conversions"});
  if (method == "auto")
    o.method = ShapleyMethod::Auto;
  else if (method == "exact")
    o.method = ShapleyMethod::Exact;
  else if (method == "sampling")
    o.method = ShapleyMethod::Sampling;
  else
    throw ValidationError("SC-ATTR-OPTION",
                          Issue{std::nullopt, "method", method, "expected auto, exact or sampling"});
  o.max_players = max_players;
  o.permutations = permutations;
  o.seed = seed;
  return o;
}

}  // namespace

void bind_attribution(py::module_& root) {
  py::module_ m = root.def_submodule("attribution", "Attribution models over path tables");

  py::class_<PathTable>(m, "PathTable", "Paths in compressed rows (see salescomp.attribution.Paths)")
      .def(py::init([](py::handle offsets, py::handle channel, py::handle conversions, py::handle nulls,
                       py::handle value, py::handle row_id, int32_t channel_count, py::handle currency,
                       py::handle timestamp, py::handle milestones, py::handle conversion_time,
                       std::vector<std::string> channel_names) {
             PathTable p;
             p.offsets = vector_of<int64_t>(offsets, "offsets");
             p.channel = vector_of<int32_t>(channel, "channel");
             p.conversions = vector_of<int64_t>(conversions, "conversions");
             p.nulls = vector_of<int64_t>(nulls, "nulls");
             p.value = vector_of<int64_t>(value, "value");
             p.row_id = vector_of<int64_t>(row_id, "row_id");
             p.timestamp = vector_of<int64_t>(timestamp, "timestamp");
             p.milestones = vector_of<uint8_t>(milestones, "milestones");
             p.conversion_time = vector_of<int64_t>(conversion_time, "conversion_time");
             p.channel_count = channel_count;
             p.currency = to_currency(currency);
             p.channel_names = std::move(channel_names);
             if (p.offsets.empty()) p.offsets = {0};
             validate_path_table(p);
             return p;
           }),
           py::arg("offsets"), py::arg("channel"), py::arg("conversions"), py::arg("nulls"), py::arg("value"),
           py::arg("row_id"), py::arg("channel_count"), py::arg("currency"),
           py::arg("timestamp") = py::none(), py::arg("milestones") = py::none(),
           py::arg("conversion_time") = py::none(), py::arg("channel_names") = std::vector<std::string>{})
      .def_property_readonly("rows", &PathTable::rows)
      .def_property_readonly("touches", &PathTable::touches)
      .def_readonly("channel_count", &PathTable::channel_count)
      .def_readonly("channel_names", &PathTable::channel_names)
      .def_property_readonly("currency", [](const PathTable& p) { return p.currency; })
      .def_property_readonly("offsets", [](const PathTable& p) { return array_of(p.offsets); })
      .def_property_readonly("channel", [](const PathTable& p) { return array_of(p.channel); })
      .def_property_readonly("conversions", [](const PathTable& p) { return array_of(p.conversions); })
      .def_property_readonly("nulls", [](const PathTable& p) { return array_of(p.nulls); })
      .def_property_readonly("value", [](const PathTable& p) { return array_of(p.value); })
      .def_property_readonly("row_id", [](const PathTable& p) { return array_of(p.row_id); })
      .def_property_readonly("has_timestamps", [](const PathTable& p) { return !p.timestamp.empty(); })
      .def_property_readonly("has_milestones", [](const PathTable& p) { return !p.milestones.empty(); });

  m.def(
      "parse_path_texts",
      [](py::handle texts, const std::string& separator, std::vector<std::string> names) {
        // Strings are read in place (UTF-8 views), no per-row Python objects created.
        std::vector<std::string> storage;
        for (py::handle t : texts) {
          if (!PyUnicode_Check(t.ptr()))
            raise_type_error("path: expected str, got " +
                             std::string(py::str(py::type::handle_of(t).attr("__name__"))) +
                             " (missing paths are errors, not empty strings)");
          storage.push_back(t.cast<std::string>());
        }
        std::vector<std::string_view> views(storage.begin(), storage.end());
        PathTextOptions o;
        o.separator = separator;
        o.channel_names = std::move(names);
        PathTable p;
        {
          py::gil_scoped_release release;
          p = parse_path_texts(views, o);
        }
        py::dict d;
        d["offsets"] = array_of(p.offsets);
        d["channel"] = array_of(p.channel);
        d["channel_names"] = p.channel_names;
        return d;
      },
      py::arg("texts"), py::arg("separator") = ">", py::arg("channel_names") = std::vector<std::string>{});

  m.def(
      "paths_from_touchpoints",
      [](py::handle journey, py::handle timestamp, py::handle channel, py::handle milestones,
         py::handle outcome_journey, py::handle converted, py::handle value, py::handle conversion_time,
         py::handle currency, int32_t channel_count, std::vector<std::string> channel_names) {
        TouchpointTable t;
        t.journey = vector_of<int64_t>(journey, "journey");
        t.timestamp = vector_of<int64_t>(timestamp, "timestamp");
        t.channel = vector_of<int32_t>(channel, "channel");
        t.milestones = vector_of<uint8_t>(milestones, "milestones");
        JourneyOutcomeTable o;
        o.journey = vector_of<int64_t>(outcome_journey, "outcome journey");
        o.converted = vector_of<uint8_t>(converted, "converted");
        o.value = vector_of<int64_t>(value, "value");
        o.conversion_time = vector_of<int64_t>(conversion_time, "conversion_time");
        o.currency = to_currency(currency);
        PathTable p;
        {
          py::gil_scoped_release release;
          p = paths_from_touchpoints(t, o, channel_count);
        }
        p.channel_names = std::move(channel_names);
        return p;
      },
      py::arg("journey"), py::arg("timestamp"), py::arg("channel"), py::arg("milestones"),
      py::arg("outcome_journey"), py::arg("converted"), py::arg("value"), py::arg("conversion_time"),
      py::arg("currency"), py::arg("channel_count"), py::arg("channel_names") = std::vector<std::string>{});

  m.def(
      "rule",
      [](const PathTable& p, const std::string& model, std::vector<int32_t> direct_channels,
         py::object first_share, py::object middle_share, py::object last_share, const std::string& two_touch,
         const std::string& one_touch, py::object w_shares, py::object full_path_shares, int64_t half_life,
         py::object step_factor, int64_t step_length, py::object weights_from_start,
         py::object weights_from_end, py::object other_weight, bool per_journey, bool normalise_shares) {
        RuleOptions o;
        o.model = rule_model_from(model);
        o.direct_channels = std::move(direct_channels);
        if (!first_share.is_none()) o.first_share = to_rate(first_share, std::nullopt, "first_share");
        if (!middle_share.is_none()) o.middle_share = to_rate(middle_share, std::nullopt, "middle_share");
        if (!last_share.is_none()) o.last_share = to_rate(last_share, std::nullopt, "last_share");
        if (two_touch == "split_middle")
          o.two_touch = TwoTouchConvention::SplitMiddleEvenly;
        else if (two_touch == "renormalise")
          o.two_touch = TwoTouchConvention::Renormalise;
        else
          throw ValidationError("SC-ATTR-OPTION", Issue{std::nullopt, "two_touch", two_touch,
                                                        "expected split_middle or renormalise"});
        if (one_touch == "full_credit")
          o.one_touch = OneTouchConvention::FullCredit;
        else if (one_touch == "reject")
          o.one_touch = OneTouchConvention::Reject;
        else
          throw ValidationError("SC-ATTR-OPTION", Issue{std::nullopt, "one_touch", one_touch,
                                                        "expected full_credit or reject"});
        auto shares = [](py::object seq, MilestoneShares& s, const char* what) {
          if (seq.is_none()) return;
          std::vector<Rate> r = rates_of(seq, what);
          if (r.size() != 5)
            throw ValidationError(
                "SC-ATTR-OPTION",
                Issue{std::nullopt, what, std::to_string(r.size()) + " values",
                      "expected 5 shares: first touch, lead created, opportunity created, closed won, rest"});
          s = MilestoneShares{r[0], r[1], r[2], r[3], r[4]};
        };
        shares(w_shares, o.w_shaped, "w_shaped_shares");
        shares(full_path_shares, o.full_path, "full_path_shares");
        o.half_life = half_life;
        if (!step_factor.is_none()) o.step_factor = to_rate(step_factor, std::nullopt, "step_factor");
        o.step_length = step_length;
        o.weights_from_start = rates_of(weights_from_start, "weights_from_start");
        o.weights_from_end = rates_of(weights_from_end, "weights_from_end");
        if (!other_weight.is_none()) o.other_weight = to_rate(other_weight, std::nullopt, "other_weight");
        o.per_journey = per_journey;
        o.normalise_shares = normalise_shares;
        AttributionResult r;
        {
          py::gil_scoped_release release;
          r = attribute_rule(p, o);
        }
        return credits_dict(r);
      },
      py::arg("paths"), py::arg("model"), py::arg("direct_channels") = std::vector<int32_t>{},
      py::arg("first_share") = py::none(), py::arg("middle_share") = py::none(),
      py::arg("last_share") = py::none(), py::arg("two_touch") = "split_middle",
      py::arg("one_touch") = "full_credit", py::arg("w_shaped_shares") = py::none(),
      py::arg("full_path_shares") = py::none(), py::arg("half_life") = 7 * 86400,
      py::arg("step_factor") = py::none(), py::arg("step_length") = 7 * 86400,
      py::arg("weights_from_start") = py::none(), py::arg("weights_from_end") = py::none(),
      py::arg("other_weight") = py::none(), py::arg("per_journey") = false,
      py::arg("normalise_shares") = false);

  m.def(
      "markov",
      [](const PathTable& p, int order, const std::string& basis, bool per_journey) {
        MarkovOptions o;
        o.order = order;
        if (basis == "global")
          o.basis = MarkovCreditBasis::Global;
        else if (basis == "per_path")
          o.basis = MarkovCreditBasis::PerPath;
        else
          throw ValidationError("SC-ATTR-OPTION",
                                Issue{std::nullopt, "basis", basis, "expected global or per_path"});
        o.per_journey = per_journey;
        MarkovResult r;
        {
          py::gil_scoped_release release;
          r = markov_attribution(p, o);
        }
        py::dict d = credits_dict(r.credits);
        d["removal_effect"] = array_of(r.removal_effect);
        d["removal_weight"] = array_of(r.removal_weight);
        d["conversion_probability"] = r.conversion_probability;
        py::dict t;
        t["state_offsets"] = array_of(r.transitions.state_offsets);
        t["state_channel"] = array_of(r.transitions.state_channel);
        t["from"] = array_of(r.transitions.from);
        t["to"] = array_of(r.transitions.to);
        t["count"] = array_of(r.transitions.count);
        t["probability"] = array_of(r.transitions.probability);
        d["transitions"] = t;
        return d;
      },
      py::arg("paths"), py::arg("order") = 1, py::arg("basis") = "global", py::arg("per_journey") = false);

  m.def(
      "markov_simulation",
      [](const PathTable& p, int order, int64_t walks, uint64_t seed) {
        MarkovSimulation s;
        {
          py::gil_scoped_release release;
          s = markov_simulation(p, order, walks, seed);
        }
        py::dict d;
        d["walks"] = s.walks;
        d["converted_walks"] = s.converted_walks;
        d["conversion_probability"] = s.conversion_probability;
        d["conversion_probability_error"] = s.conversion_probability_error;
        d["removal_effect"] = array_of(s.removal_effect);
        d["removal_effect_error"] = array_of(s.removal_effect_error);
        return d;
      },
      py::arg("paths"), py::arg("order") = 1, py::arg("walks") = 100000, py::arg("seed") = 1);

  m.def(
      "simplified_shapley",
      [](const PathTable& p, bool per_journey) {
        AttributionResult r;
        {
          py::gil_scoped_release release;
          r = simplified_shapley(p, per_journey);
        }
        return credits_dict(r);
      },
      py::arg("paths"), py::arg("per_journey") = false);

  m.def(
      "ordered_shapley",
      [](const PathTable& p, bool per_journey) {
        AttributionResult r;
        {
          py::gil_scoped_release release;
          r = ordered_shapley(p, per_journey);
        }
        return credits_dict(r);
      },
      py::arg("paths"), py::arg("per_journey") = false);

  m.def(
      "shapley_game",
      [](const PathTable& p, const std::string& game, const std::string& method, int max_players,
         int64_t permutations, uint64_t seed) {
        const ShapleyGameOptions o = game_options(game, method, max_players, permutations, seed);
        ShapleyGameResult r;
        {
          py::gil_scoped_release release;
          r = shapley_game(p, o);
        }
        py::dict d = credits_dict(r.credits);
        d["phi"] = array_of(r.phi);
        d["standard_error"] = array_of(r.standard_error);
        d["exact"] = r.exact;
        d["permutations"] = r.permutations;
        d["players"] = r.players;
        d["grand_coalition_value"] = r.grand_coalition_value;
        return d;
      },
      py::arg("paths"), py::arg("game") = "conversion_rate", py::arg("method") = "auto",
      py::arg("max_players") = 20, py::arg("permutations") = 20000, py::arg("seed") = 1);

  m.def(
      "bootstrap",
      [](const PathTable& p, const std::string& model, int order, const std::string& game,
         const std::string& method, int max_players, int64_t permutations, int replicates, double level,
         uint64_t seed) {
        BootstrapOptions o;
        if (model == "markov")
          o.model = BootstrapModel::Markov;
        else if (model == "simplified_shapley")
          o.model = BootstrapModel::SimplifiedShapley;
        else if (model == "shapley_game")
          o.model = BootstrapModel::ShapleyGame;
        else
          throw ValidationError(
              "SC-ATTR-OPTION",
              Issue{std::nullopt, "model", model, "expected markov, simplified_shapley or shapley_game"});
        o.markov_order = order;
        o.game = game_options(game, method, max_players, permutations, seed);
        o.replicates = replicates;
        o.level = level;
        o.seed = seed;
        BootstrapResult r;
        {
          py::gil_scoped_release release;
          r = bootstrap_credits(p, o);
        }
        py::dict d;
        d["channel"] = array_of(r.channel);
        d["estimate"] = array_of(r.estimate);
        d["lower"] = array_of(r.lower);
        d["upper"] = array_of(r.upper);
        d["standard_error"] = array_of(r.standard_error);
        d["replicates"] = r.replicates;
        return d;
      },
      py::arg("paths"), py::arg("model") = "markov", py::arg("order") = 1,
      py::arg("game") = "conversion_rate", py::arg("method") = "auto", py::arg("max_players") = 20,
      py::arg("permutations") = 2000, py::arg("replicates") = 200, py::arg("level") = 0.95,
      py::arg("seed") = 1);

  m.def("time_decay_weight", &time_decay_weight, py::arg("dt"), py::arg("half_life"),
        "2^(-dt/half_life) with 50 digits, snapped once to a 12-place Rate.");
}

}  // namespace salescomp::py_bindings
