{#- One row per universe account per as-of date: its ABM tier, motion and why.
    Incremental by as_of_date (a re-run for a date replaces that date); a run reads
    its own latest earlier date ({{ this }}) for stability. Order of decisions:
    1. rules (seed tier_rules, best tier first) on fit (account_fit_scores), intent
       (account_intent_scores.is_surging), engagement (account_engagement_scores.
       is_engaged) and ACV potential (int_acv_potential_by_size_band); excluded
       accounts and, with var tiers_customer_treatment = expansion, customers are
       never new-logo targets;
    2. stability: an account whose rules now put it below its previous tier keeps
       that tier until it has been below for var tiers_hysteresis_runs runs;
    3. active sales overrides (seed sales_overrides) take their tier and use up
       capacity first;
    4. capacity (var tiers_capacity; per cluster = primary need for the tiers in
       var tiers_capacity_per_cluster; var tiers_crm_reserved_share of each kept
       for CRM accounts): candidates rank by best eligible tier, priority_score
       (var tiers_priority_weights), fit_score, then account_id; overflow goes
       down a tier, and past tier_3 out, with reason_code capacity. -#}
{{
    config(
        materialized='incremental',
        unique_key='as_of_date',
        incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
        partition_by=(['as_of_date'] if target.type == 'spark' else none),
        on_schema_change='append_new_columns',
    )
}}
{%- set capacity = var('tiers_capacity') -%}
{%- set per_cluster = var('tiers_capacity_per_cluster') -%}
{%- set reserved_share = var('tiers_crm_reserved_share') | float -%}
{%- set priority = var('tiers_priority_weights') -%}
{%- set expansion = var('tiers_customer_treatment') == 'expansion' -%}
{%- set string = dbt.type_string() -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

fit_scores as (
    select * from {{ ref('int_account_fit_scores') }}
),

intent_scores as (
    select * from {{ ref('int_account_intent_scores') }}
),

engagement_scores as (
    select * from {{ ref('int_account_engagement_scores') }}
),

acv_bands as (
    select * from {{ ref('int_acv_potential_by_size_band') }}
),

tier_rules as (
    select * from {{ ref('tier_rules') }}
),

sales_overrides as (
    select * from {{ ref('sales_overrides') }}
),

previous_rows as (
    {% if is_incremental() %}
        select
            this_model.account_id,
            this_model.as_of_date,
            this_model.tier,
            this_model.tier_rank,
            this_model.tier_source,
            this_model.runs_below_bar
        from {{ this }} as this_model
        where this_model.as_of_date = (
            select max(earlier.as_of_date)
            from {{ this }} as earlier
            cross join as_of
            where earlier.as_of_date < as_of.as_of_date
        )
    {% else %}
        -- First run: no history yet.
        select
            cast(null as {{ string }}) as account_id,
            cast(null as date) as as_of_date,
            cast(null as {{ string }}) as tier,
            cast(null as {{ dbt.type_int() }}) as tier_rank,
            cast(null as {{ string }}) as tier_source,
            cast(null as {{ dbt.type_int() }}) as runs_below_bar
        where 1 = 0
    {% endif %}
),

base as (
    select
        accounts.account_id,
        as_of.as_of_date,
        accounts.is_in_crm,
        accounts.is_customer,
        fit_scores.fit_score,
        fit_scores.fit_grade,
        fit_scores.estimated_win_probability,
        coalesce(fit_scores.is_excluded, false) as is_excluded,
        fit_scores.exclusion_reason,
        case fit_scores.fit_grade when 'A' then 1 when 'B' then 2 when 'C' then 3 when 'D' then 4 end
            as fit_grade_rank,
        coalesce(intent_scores.intent_score, 0) as intent_score,
        coalesce(intent_scores.is_surging, false) as is_surging,
        intent_scores.primary_need,
        intent_scores.top_topics,
        coalesce(engagement_scores.engagement_score, 0) as engagement_score,
        coalesce(engagement_scores.is_engaged, false) as is_engaged,
        coalesce(acv_bands.size_band, 'unknown') as size_band,
        acv_bands.expected_acv,
        coalesce(acv_bands.acv_class, 'medium') as acv_class,
        case coalesce(acv_bands.acv_class, 'medium') when 'small' then 1 when 'medium' then 2 else 3 end
            as acv_class_rank,
        {{ 'coalesce(accounts.is_customer, false)' if expansion else 'false' }} as is_expansion
    from accounts
    cross join as_of
    left join fit_scores
        on accounts.account_id = fit_scores.account_id and as_of.as_of_date = fit_scores.as_of_date
    left join intent_scores
        on accounts.account_id = intent_scores.account_id and as_of.as_of_date = intent_scores.as_of_date
    left join engagement_scores
        on accounts.account_id = engagement_scores.account_id and as_of.as_of_date = engagement_scores.as_of_date
    left join acv_bands
        on
            as_of.as_of_date = acv_bands.as_of_date
            and (
                (
                    accounts.employee_count >= acv_bands.min_employees
                    and (acv_bands.max_employees is null or accounts.employee_count <= acv_bands.max_employees)
                )
                or (accounts.employee_count is null and acv_bands.size_band = 'unknown')
            )
),

rule_checks as (
    select
        base.account_id,
        tier_rules.tier,
        tier_rules.tier_rank,
        coalesce(
            base.fit_grade_rank <= case tier_rules.min_fit_grade
                when 'A' then 1 when 'B' then 2 when 'C' then 3 else 4
            end
            and base.fit_score >= tier_rules.min_fit_score,
            false
        ) as meets_fit,
        case tier_rules.intent_condition
            when 'required' then base.is_surging
            when 'absent' then not base.is_surging
            else true
        end as meets_intent,
        case tier_rules.engagement_condition
            when 'required' then base.is_engaged
            when 'absent' then not base.is_engaged
            else true
        end as meets_engagement,
        base.acv_class_rank >= case tier_rules.min_acv_class when 'small' then 1 when 'medium' then 2 else 3 end
            as meets_acv
    from base
    cross join tier_rules
),

rule_tiers as (
    select
        rule_checks.account_id,
        min(case
            when
                rule_checks.meets_fit and rule_checks.meets_intent and rule_checks.meets_engagement
                and rule_checks.meets_acv
                then rule_checks.tier_rank
        end) as rule_tier_rank,
        max(rule_checks.tier_rank) as loosest_tier_rank
    from rule_checks
    group by rule_checks.account_id
),

-- What the loosest rule (tier_3 by default) misses: the reason an account is out.
loosest_misses as (
    select
        rule_checks.account_id,
        rule_checks.meets_fit,
        rule_checks.meets_intent,
        rule_checks.meets_engagement,
        rule_checks.meets_acv
    from rule_checks
    inner join rule_tiers
        on
            rule_checks.account_id = rule_tiers.account_id
            and rule_checks.tier_rank = rule_tiers.loosest_tier_rank
),

active_overrides as (
    select
        ranked.account_id,
        ranked.tier,
        ranked.reason,
        ranked.owner,
        ranked.expires_on
    from (
        select
            sales_overrides.account_id,
            sales_overrides.tier,
            sales_overrides.reason,
            sales_overrides.owner,
            sales_overrides.expires_on,
            row_number() over (
                partition by sales_overrides.account_id
                order by sales_overrides.expires_on desc, sales_overrides.tier asc
            ) as override_rank
        from sales_overrides
        cross join as_of
        where sales_overrides.expires_on >= as_of.as_of_date
    ) as ranked
    where ranked.override_rank = 1
),

decided as (
    select
        base.*,
        rule_tiers.rule_tier_rank,
        previous_rows.tier as previous_tier,
        previous_rows.as_of_date as previous_as_of_date,
        previous_rows.tier_rank as previous_tier_rank,
        active_overrides.tier as override_tier,
        active_overrides.reason as override_reason,
        active_overrides.owner as override_owner,
        active_overrides.expires_on as override_expires_on,
        loosest_misses.meets_fit as loosest_meets_fit,
        loosest_misses.meets_intent as loosest_meets_intent,
        loosest_misses.meets_engagement as loosest_meets_engagement,
        loosest_misses.meets_acv as loosest_meets_acv,
        -- Below the bar of the previous tier (a rules-based one, the account still
        -- a possible new-logo target): count the run.
        case
            when
                previous_rows.tier_rank <= 3
                and previous_rows.tier_source != 'override'
                and not base.is_excluded
                and not base.is_expansion
                and coalesce(rule_tiers.rule_tier_rank, 4) > previous_rows.tier_rank
                then coalesce(previous_rows.runs_below_bar, 0) + 1
            else 0
        end as runs_below_bar,
        {{ var('tiers_priority_weights')['fit'] }} * coalesce(base.fit_score, 0)
        + {{ priority['intent'] }} * base.intent_score
        + {{ priority['engagement'] }} * base.engagement_score as priority_score,
        coalesce(base.primary_need, 'unclustered') as cluster_key
    from base
    inner join rule_tiers
        on base.account_id = rule_tiers.account_id
    left join loosest_misses
        on base.account_id = loosest_misses.account_id
    left join previous_rows
        on base.account_id = previous_rows.account_id
    left join active_overrides
        on base.account_id = active_overrides.account_id
),

desired as (
    select
        decided.*,
        decided.runs_below_bar > 0 and decided.runs_below_bar < {{ var('tiers_hysteresis_runs') }} as is_held,
        case
            when decided.is_excluded or decided.is_expansion then null
            when decided.runs_below_bar > 0 and decided.runs_below_bar < {{ var('tiers_hysteresis_runs') }}
                then decided.previous_tier_rank
            else decided.rule_tier_rank
        end as desired_rank,
        case decided.override_tier
            when 'tier_1' then 1 when 'tier_2' then 2 when 'tier_3' then 3 when 'not_target' then 4
        end as override_rank
    from decided
),

-- Overrides use up capacity before the rules fill it.
override_usage as (
    select
        desired.override_rank as tier_rank,
        desired.cluster_key,
        count(*) as used_slots,
        sum(case when desired.is_in_crm then 0 else 1 end) as used_net_new_slots
    from desired
    where desired.override_rank <= 3
    group by desired.override_rank, desired.cluster_key
),

allocation_0 as (
    select
        desired.*,
        cast(null as {{ dbt.type_int() }}) as placed_rank
    from desired
),

{% for k in [1, 2, 3] %}
    {%- set tier = 'tier_' ~ k -%}
    {%- set cap = capacity[tier] | int -%}
    {%- set reserved = (cap * reserved_share) | round(0, 'ceil') | int -%}
    {%- set clustered = tier in per_cluster -%}
    {%- set scope = 'allocation_' ~ (k - 1) ~ '.cluster_key' if clustered else "'all'" %}
    usage_{{ k }} as (
        select
            {{ 'override_usage.cluster_key' if clustered else "'all'" }} as scope_key,
            sum(override_usage.used_slots) as used_slots,
            sum(override_usage.used_net_new_slots) as used_net_new_slots
        from override_usage
        where override_usage.tier_rank = {{ k }}
        group by {{ 'override_usage.cluster_key' if clustered else "'all'" }}
    ),

    candidates_{{ k }} as (
        select
            allocation_{{ k - 1 }}.*,
            {{ scope }} as scope_key,
            allocation_{{ k - 1 }}.placed_rank is null
            and allocation_{{ k - 1 }}.override_rank is null
            and allocation_{{ k - 1 }}.desired_rank <= {{ k }} as is_candidate
        from allocation_{{ k - 1 }}
    ),

    net_new_ranked_{{ k }} as (
        select
            candidates_{{ k }}.*,
            row_number() over (
                partition by candidates_{{ k }}.is_candidate, candidates_{{ k }}.is_in_crm, candidates_{{ k }}.scope_key
                order by
                    candidates_{{ k }}.desired_rank asc,
                    candidates_{{ k }}.priority_score desc,
                    candidates_{{ k }}.fit_score desc,
                    candidates_{{ k }}.account_id asc
            ) as crm_group_seq
        from candidates_{{ k }}
    ),

    within_net_new_{{ k }} as (
        select
            net_new_ranked_{{ k }}.*,
            net_new_ranked_{{ k }}.is_candidate
            and (
                net_new_ranked_{{ k }}.is_in_crm
                or net_new_ranked_{{ k }}.crm_group_seq
                <= {{ cap - reserved }} - coalesce(usage_{{ k }}.used_net_new_slots, 0)
            ) as is_contender
        from net_new_ranked_{{ k }}
        left join usage_{{ k }}
            on net_new_ranked_{{ k }}.scope_key = usage_{{ k }}.scope_key
    ),

    ranked_{{ k }} as (
        select
            within_net_new_{{ k }}.*,
            row_number() over (
                partition by within_net_new_{{ k }}.is_contender, within_net_new_{{ k }}.scope_key
                order by
                    within_net_new_{{ k }}.desired_rank asc,
                    within_net_new_{{ k }}.priority_score desc,
                    within_net_new_{{ k }}.fit_score desc,
                    within_net_new_{{ k }}.account_id asc
            ) as tier_seq
        from within_net_new_{{ k }}
    ),

    allocation_{{ k }} as (
        select
        {%- for column in ['account_id', 'as_of_date', 'is_in_crm', 'is_customer', 'fit_score', 'fit_grade',
            'estimated_win_probability', 'is_excluded', 'exclusion_reason', 'fit_grade_rank', 'intent_score',
            'is_surging', 'primary_need', 'top_topics', 'engagement_score', 'is_engaged', 'size_band',
            'expected_acv', 'acv_class', 'acv_class_rank', 'is_expansion', 'rule_tier_rank', 'previous_tier',
            'previous_as_of_date', 'previous_tier_rank', 'override_tier', 'override_reason', 'override_owner',
            'override_expires_on', 'loosest_meets_fit', 'loosest_meets_intent', 'loosest_meets_engagement',
            'loosest_meets_acv', 'runs_below_bar', 'priority_score', 'cluster_key', 'is_held', 'desired_rank',
            'override_rank'] %}
                ranked_{{ k }}.{{ column }},
            {%- endfor %}
            case
                when ranked_{{ k }}.placed_rank is not null then ranked_{{ k }}.placed_rank
                when
                    ranked_{{ k }}.is_contender
                    and ranked_{{ k }}.tier_seq <= {{ cap }} - coalesce(usage_{{ k }}.used_slots, 0)
                    then {{ k }}
            end as placed_rank
        from ranked_{{ k }}
        left join usage_{{ k }}
            on ranked_{{ k }}.scope_key = usage_{{ k }}.scope_key
    ),
{% endfor %}

tiered as (
    select
        allocation_3.*,
        case
            when allocation_3.override_rank is not null then allocation_3.override_rank
            when allocation_3.placed_rank is not null then allocation_3.placed_rank
            else 4
        end as tier_rank,
        case
            when allocation_3.override_rank is not null then 'override'
            when allocation_3.is_excluded then 'excluded'
            when allocation_3.is_expansion then 'expansion'
            when allocation_3.desired_rank is null and allocation_3.fit_score is null then 'no_fit_score'
            when allocation_3.desired_rank is null and not allocation_3.loosest_meets_fit then 'below_fit_bar'
            when allocation_3.desired_rank is null then 'no_rule_met'
            when allocation_3.placed_rank is null or allocation_3.placed_rank > allocation_3.desired_rank
                then 'capacity'
            when allocation_3.is_held then 'held'
            else 'rule'
        end as reason_code
    from allocation_3
),

labelled as (
    select
        tiered.*,
        case tiered.tier_rank
            when 1 then 'tier_1' when 2 then 'tier_2' when 3 then 'tier_3' else 'not_target'
        end as tier,
        case tiered.rule_tier_rank
            when 1 then 'tier_1' when 2 then 'tier_2' when 3 then 'tier_3' else 'not_target'
        end as rule_tier,
        case tiered.desired_rank
            when 1 then 'tier_1' when 2 then 'tier_2' when 3 then 'tier_3'
        end as desired_tier,
        {{ dbt.concat([
            "'fit '", "coalesce(tiered.fit_grade, '?')",
            "' ('", "coalesce(cast(cast(round(tiered.fit_score, 0) as " ~ dbt.type_int() ~ ") as " ~ string ~ "), 'none')", "')'",
            "', intent '", "cast(cast(round(tiered.intent_score, 0) as " ~ dbt.type_int() ~ ") as " ~ string ~ ")",
            "case when tiered.is_surging then ' (surging' || coalesce(': ' || tiered.top_topics, '') || ')' else ' (not surging)' end",
            "', engagement '", "cast(cast(round(tiered.engagement_score, 0) as " ~ dbt.type_int() ~ ") as " ~ string ~ ")",
            "case when tiered.is_engaged then ' (engaged)' else ' (not engaged)' end",
            "', '", "tiered.acv_class", "' ACV potential'",
        ]) }} as evidence_text
    from tiered
),

final as (
    select
        labelled.account_id,
        labelled.as_of_date,
        labelled.tier,
        cast(labelled.tier_rank as {{ dbt.type_int() }}) as tier_rank,
        tier_rules.motion,
        case
            when labelled.reason_code = 'override' then {{ dbt.concat([
                "'Sales override by '", "labelled.override_owner", "' until '",
                "cast(labelled.override_expires_on as " ~ string ~ ")", "': '", "labelled.override_reason",
                "' (rules say '", "labelled.rule_tier", "')'"]) }}
            when labelled.reason_code = 'excluded' then {{ dbt.concat([
                "'Not a target: excluded ('", "coalesce(labelled.exclusion_reason, 'fit exclusion')", "')'"]) }}
            when labelled.reason_code = 'expansion'
                then
                    'Existing customer: expansion program (upsell/cross-sell) instead of a new-logo tier'
            when labelled.reason_code = 'no_fit_score' then 'Not a target: no fit score for this account'
            when labelled.reason_code = 'below_fit_bar' then {{ dbt.concat([
                "'Not a target: fit below the bar; '", "labelled.evidence_text"]) }}
            when labelled.reason_code = 'no_rule_met' then {{ dbt.concat([
                "'Not a target: meets no tier rule; '", "labelled.evidence_text"]) }}
            when labelled.reason_code = 'capacity' and labelled.tier_rank = 4 then {{ dbt.concat([
                "'Capacity: '", "labelled.desired_tier", "' and every tier below it are full; '",
                "labelled.evidence_text"]) }}
            when labelled.reason_code = 'capacity' then {{ dbt.concat([
                "'Capacity: '", "labelled.desired_tier", "' is full, placed in '", "labelled.tier", "'; '",
                "labelled.evidence_text"]) }}
            when labelled.reason_code = 'held' then {{ dbt.concat([
                "'Held at '", "labelled.tier", "' for stability: below its bar for '",
                "cast(labelled.runs_below_bar as " ~ string ~ ")", "' of '",
                "'" ~ var('tiers_hysteresis_runs') ~ "'", "' runs (rules now say '", "labelled.rule_tier", "'); '",
                "labelled.evidence_text"]) }}
            else {{ dbt.concat(["'Meets the '", "labelled.tier", "' rule: '", "labelled.evidence_text"]) }}
        end as tier_reason,
        labelled.reason_code,
        case
            when labelled.reason_code = 'override' then 'override'
            when labelled.reason_code = 'held' then 'hysteresis'
            else 'rules'
        end as tier_source,
        labelled.rule_tier,
        labelled.previous_tier,
        labelled.previous_as_of_date,
        cast(labelled.runs_below_bar as {{ dbt.type_int() }}) as runs_below_bar,
        labelled.reason_code = 'override' as is_override,
        labelled.override_owner,
        labelled.override_expires_on,
        case when labelled.is_expansion then 'expansion' else 'new_logo' end as account_program,
        case
            when labelled.is_expansion and labelled.is_surging then 'cross_sell'
            when labelled.is_expansion then 'upsell'
        end as expansion_play,
        labelled.cluster_key,
        cast(labelled.priority_score as {{ identity_type_double() }}) as priority_score,
        cast(labelled.fit_score as {{ identity_type_double() }}) as fit_score,
        labelled.fit_grade,
        cast(labelled.estimated_win_probability as {{ identity_type_double() }}) as estimated_win_probability,
        cast(labelled.intent_score as {{ identity_type_double() }}) as intent_score,
        labelled.is_surging,
        labelled.primary_need,
        labelled.top_topics,
        cast(labelled.engagement_score as {{ identity_type_double() }}) as engagement_score,
        labelled.is_engaged,
        labelled.size_band,
        cast(labelled.expected_acv as {{ identity_type_double() }}) as expected_acv,
        labelled.acv_class,
        labelled.is_in_crm,
        coalesce(labelled.is_customer, false) as is_customer,
        labelled.is_excluded
    from labelled
    left join tier_rules
        on labelled.tier = tier_rules.tier
)

select * from final
