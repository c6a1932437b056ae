{#- One row per universe account at the as-of date: the first date each journey
    condition held, derived from event history up to the as-of date (portable
    SQL, no state from earlier runs except the fit history), and whether each
    condition holds on the as-of date itself.
    - known: first event of any kind (CRM created, activity, Bombora week, deal).
    - qualified: fit grade in var journey_qualified_fit_grades and not excluded
      (account_fit_scores). Fit rests on firmographics, so an account qualified in
      its earliest scored run counts as qualified since it was known; otherwise
      from the first run that qualified it.
    - aware: first matched activity (known person or reverse-IP).
    - engaged: activity points in the trailing var journey_engaged_window_days
      reach var journey_engaged_min_points.
    - mqa: engaged and a relevant topic surging (score >= var
      intent_surge_min_score) in a week starting within var intent_recent_weeks
      weeks, or points >= var journey_mqa_min_points.
    - opportunity: first counted opportunity created (kpi_is_counted_opportunity).
    - customer: first won deal closed.
    Conditions that combine events turn on only at an event date, so they are
    evaluated on the account's activity days, surging-week dates and the as-of
    date: exact, and cheap. -#}
{%- set window_days = var('journey_engaged_window_days') | int -%}
{%- set recent_days = 7 * (var('intent_recent_weeks') | int) -%}
{%- set grades = var('journey_qualified_fit_grades') -%}
{%- set double = identity_type_double() -%}
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

activities as (
    select * from {{ ref('int_activities_matched_to_accounts') }}
    where account_id is not null
),

activity_weights as (
    select * from {{ ref('engagement_activity_weights') }}
),

topic_weeks as (
    select * from {{ ref('int_intent_topic_weeks') }}
),

intent_topics as (
    select * from {{ ref('intent_topics') }}
),

opportunities as (
    select * from {{ ref('int_opportunities_checked') }}
    where account_id is not null and not is_closed_in_future
),

dated_activities as (
    select
        activities.account_id,
        activities.activity_date,
        coalesce(activity_weights.points, 0)
        * case when activities.matched_by = 'ip_domain' then {{ var('engagement_anonymous_weight') }} else 1 end
            as points
    from activities
    cross join as_of
    left join activity_weights
        on activities.activity_type = activity_weights.activity_type
    where activities.activity_date <= as_of.as_of_date
),

activity_days as (
    select
        dated_activities.account_id,
        dated_activities.activity_date,
        cast(sum(cast(dated_activities.points as {{ exact_decimal() }})) as {{ identity_type_double() }}) as points
    from dated_activities
    group by dated_activities.account_id, dated_activities.activity_date
),

surge_weeks as (
    select distinct
        topic_weeks.account_id,
        topic_weeks.week_start_date
    from topic_weeks
    cross join as_of
    left join intent_topics
        on topic_weeks.topic_name = intent_topics.topic_name
    where
        topic_weeks.week_start_date <= as_of.as_of_date
        and topic_weeks.composite_score >= {{ var('intent_surge_min_score') }}
        and coalesce(intent_topics.relevance_weight, {{ var('intent_default_topic_weight') }}) > 0
),

intent_weeks as (
    select
        topic_weeks.account_id,
        min(topic_weeks.week_start_date) as first_intent_week_date
    from topic_weeks
    cross join as_of
    where topic_weeks.week_start_date <= as_of.as_of_date
    group by topic_weeks.account_id
),

-- Dates on which a combined condition can switch on, plus the as-of date.
candidate_dates as (
    select
        activity_days.account_id,
        activity_days.activity_date as evaluated_date
    from activity_days

    union

    select
        surge_weeks.account_id,
        surge_weeks.week_start_date as evaluated_date
    from surge_weeks

    union

    select
        accounts.account_id,
        as_of.as_of_date as evaluated_date
    from accounts
    cross join as_of
),

window_points as (
    select
        candidate_dates.account_id,
        candidate_dates.evaluated_date,
        cast(sum(cast(activity_days.points as {{ exact_decimal() }})) as {{ identity_type_double() }}) as points
    from candidate_dates
    inner join activity_days
        on
            candidate_dates.account_id = activity_days.account_id
            and candidate_dates.evaluated_date >= activity_days.activity_date
            and {{ dbt.dateadd('day', -1 * window_days, 'candidate_dates.evaluated_date') }}
            < activity_days.activity_date
    group by candidate_dates.account_id, candidate_dates.evaluated_date
),

recent_intent as (
    select distinct
        candidate_dates.account_id,
        candidate_dates.evaluated_date
    from candidate_dates
    inner join surge_weeks
        on
            candidate_dates.account_id = surge_weeks.account_id
            and candidate_dates.evaluated_date >= surge_weeks.week_start_date
            and {{ dbt.dateadd('day', -1 * recent_days, 'candidate_dates.evaluated_date') }}
            < surge_weeks.week_start_date
),

evaluated as (
    select
        window_points.account_id,
        window_points.evaluated_date,
        window_points.points >= {{ var('journey_engaged_min_points') }} as is_engaged,
        (
            window_points.points >= {{ var('journey_engaged_min_points') }}
            and recent_intent.account_id is not null
        )
        or window_points.points >= {{ var('journey_mqa_min_points') }} as is_mqa,
        window_points.points
    from window_points
    left join recent_intent
        on
            window_points.account_id = recent_intent.account_id
            and window_points.evaluated_date = recent_intent.evaluated_date
),

engagement_milestones as (
    select
        evaluated.account_id,
        min(case when evaluated.is_engaged then evaluated.evaluated_date end) as engaged_date,
        min(case when evaluated.is_mqa then evaluated.evaluated_date end) as mqa_date,
        max(case when evaluated.evaluated_date = as_of.as_of_date and evaluated.is_engaged then 1 else 0 end)
            as is_engaged_now,
        max(case when evaluated.evaluated_date = as_of.as_of_date and evaluated.is_mqa then 1 else 0 end)
            as is_mqa_now,
        max(case when evaluated.evaluated_date = as_of.as_of_date then evaluated.points end) as window_points_now
    from evaluated
    cross join as_of
    group by evaluated.account_id
),

activity_milestones as (
    select
        activity_days.account_id,
        min(activity_days.activity_date) as aware_date
    from activity_days
    group by activity_days.account_id
),

opportunity_milestones as (
    select
        opportunities.account_id,
        min(case
            when {{ kpi_is_counted_opportunity('opportunities.opportunity_type') }}
                then opportunities.created_date
        end) as opportunity_date,
        max(case
            when
                {{ kpi_is_counted_opportunity('opportunities.opportunity_type') }}
                and not (opportunities.is_closed and opportunities.close_date <= as_of.as_of_date)
                then 1
            else 0
        end) as has_open_opportunity,
        min(case when opportunities.is_won then opportunities.close_date end) as first_won_date,
        min(opportunities.created_date) as first_deal_date
    from opportunities
    cross join as_of
    where opportunities.created_date <= as_of.as_of_date
    group by opportunities.account_id
),

fit_runs as (
    select
        fit_scores.account_id,
        fit_scores.as_of_date as run_date,
        coalesce(
            fit_scores.fit_grade in ({{ "'" ~ grades | join("', '") ~ "'" }})
            and not fit_scores.is_excluded,
            false
        ) as is_qualified
    from fit_scores
    cross join as_of
    where fit_scores.as_of_date <= as_of.as_of_date
),

fit_milestones as (
    select
        fit_runs.account_id,
        min(fit_runs.run_date) as first_run_date,
        min(case when fit_runs.is_qualified then fit_runs.run_date end) as first_qualified_run_date,
        max(case when fit_runs.run_date = as_of.as_of_date and fit_runs.is_qualified then 1 else 0 end)
            as is_qualified_now
    from fit_runs
    cross join as_of
    group by fit_runs.account_id
),

known_events as (
    select
        accounts.account_id,
        cast(accounts.created_at as date) as event_date
    from accounts
    where accounts.created_at is not null

    union all

    select
        activity_milestones.account_id,
        activity_milestones.aware_date as event_date
    from activity_milestones

    union all

    select
        intent_weeks.account_id,
        intent_weeks.first_intent_week_date as event_date
    from intent_weeks

    union all

    select
        opportunity_milestones.account_id,
        opportunity_milestones.first_deal_date as event_date
    from opportunity_milestones
),

known_milestones as (
    select
        known_events.account_id,
        min(known_events.event_date) as known_date
    from known_events
    cross join as_of
    where known_events.event_date <= as_of.as_of_date
    group by known_events.account_id
),

final as (
    select
        accounts.account_id,
        as_of.as_of_date,
        known_milestones.known_date,
        case
            when fit_milestones.first_qualified_run_date is null then null
            when fit_milestones.first_qualified_run_date = fit_milestones.first_run_date
                then coalesce(known_milestones.known_date, fit_milestones.first_qualified_run_date)
            else fit_milestones.first_qualified_run_date
        end as qualified_date,
        activity_milestones.aware_date,
        engagement_milestones.engaged_date,
        engagement_milestones.mqa_date,
        opportunity_milestones.opportunity_date,
        case
            when opportunity_milestones.first_won_date is not null then opportunity_milestones.first_won_date
            when accounts.is_customer then known_milestones.known_date
        end as customer_date,
        cast(coalesce(engagement_milestones.window_points_now, 0) as {{ double }}) as window_points,
        coalesce(fit_milestones.is_qualified_now, 0) = 1 as is_qualified,
        activity_milestones.aware_date is not null as is_aware,
        coalesce(engagement_milestones.is_engaged_now, 0) = 1 as is_engaged,
        coalesce(engagement_milestones.is_mqa_now, 0) = 1 as is_mqa,
        coalesce(opportunity_milestones.has_open_opportunity, 0) = 1 as has_open_opportunity,
        coalesce(opportunity_milestones.first_won_date is not null or accounts.is_customer, false) as is_customer
    from accounts
    cross join as_of
    left join known_milestones
        on accounts.account_id = known_milestones.account_id
    left join fit_milestones
        on accounts.account_id = fit_milestones.account_id
    left join activity_milestones
        on accounts.account_id = activity_milestones.account_id
    left join engagement_milestones
        on accounts.account_id = engagement_milestones.account_id
    left join opportunity_milestones
        on accounts.account_id = opportunity_milestones.account_id
)

select * from final
